"""Rule dysts_benchmark_forecast: one forecaster over one chunk of the systems by the published protocol."""

from physbench import logs
from physbench.dysts_benchmark.study import model_job

logs.setup(snakemake.log[0])
model_job(snakemake.input.train, snakemake.input.test, snakemake.wildcards.model, snakemake.params.spec,
          snakemake.params.settings, snakemake.output.rows, snakemake.output.metrics, snakemake.output.forecasts,
          int(snakemake.wildcards.chunk), snakemake.params.n_chunks)
