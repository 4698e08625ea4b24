"""Snakemake entry point: one metrics/predictions/importances table for the study."""

from physbench import logs
from physbench.supercon.steps import aggregate_study

logs.setup(snakemake.log[0])
aggregate_study(
    snakemake.input.metrics,
    snakemake.input.predictions,
    snakemake.input.importances,
    snakemake.output.metrics,
    snakemake.output.predictions,
    snakemake.output.importances,
)
