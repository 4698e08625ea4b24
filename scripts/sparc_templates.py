"""Snakemake entry point: merge the chunks of the DARKexp template table into one table."""

from physbench import logs
from physbench.sparc.darkexp import merge_templates

logs.setup(snakemake.log[0])
merge_templates(snakemake.input, snakemake.output[0], snakemake.params.templates)
