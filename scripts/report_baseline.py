"""Snakemake entry point: the git-tracked baseline, a copy of the aggregated metrics and headline numbers."""

from physbench import logs
from physbench.report.build import copy_baseline

logs.setup(snakemake.log[0])
copy_baseline([snakemake.input.metrics, snakemake.input.summary], [snakemake.output.metrics, snakemake.output.summary])
