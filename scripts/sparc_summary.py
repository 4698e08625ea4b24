"""Snakemake entry point: per-model summary table, phi0 table, fit properties and summary.json."""

from pathlib import Path

from physbench import logs
from physbench.sparc.summary import summarise_study

logs.setup(snakemake.log[0])
summarise_study(snakemake.input.metrics, snakemake.input.parameters, Path(snakemake.input.table).parent,
                snakemake.output.summary, snakemake.output.table, snakemake.output.phi0, snakemake.output.properties,
                subsamples=snakemake.params.subsamples, settings=snakemake.params.settings)
