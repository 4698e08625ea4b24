"""Snakemake entry point: the SPARC study's figures."""

from pathlib import Path

from physbench import logs
from physbench.sparc.figures import plot_study

logs.setup(snakemake.log[0])
plot_study(snakemake.input.metrics, snakemake.input.parameters, snakemake.input.table_summary,
           snakemake.input.phi0, snakemake.input.properties, snakemake.input.templates,
           Path(snakemake.input.table).parent,
           dict(snakemake.output.items()), params=snakemake.params.figures)
