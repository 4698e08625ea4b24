"""Snakemake entry point: solve DARKexp on the phi0 grid and write the template table."""

from physbench import logs
from physbench.sparc.darkexp import build_templates

logs.setup(snakemake.log[0])
build_templates(snakemake.output[0], snakemake.params.templates, threads=snakemake.threads)
