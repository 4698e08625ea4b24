"""Rule dysts_benchmark_generate: train and test files at another resolution, integrated with dysts."""

from physbench import logs
from physbench.dysts_benchmark.study import generate_job

logs.setup(snakemake.log[0])
generate_job(snakemake.input.systems_from, snakemake.params.systems, snakemake.wildcards, snakemake.params.settings,
             snakemake.output.train, snakemake.output.test, workers=snakemake.threads)
