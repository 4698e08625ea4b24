"""Snakemake entry point: concatenate the per-job metrics and parameter tables."""

from physbench import logs
from physbench.sparc.steps import aggregate_study

logs.setup(snakemake.log[0])
aggregate_study(snakemake.input.metrics, snakemake.input.parameters, snakemake.output.metrics,
                snakemake.output.parameters)
