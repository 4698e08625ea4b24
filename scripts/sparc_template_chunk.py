"""Snakemake entry point: solve DARKexp on one chunk of the phi0 grid and write that part of the
template table."""

from physbench import logs
from physbench.sparc.darkexp import build_templates

logs.setup(snakemake.log[0])
build_templates(snakemake.output[0], snakemake.params.templates, int(snakemake.wildcards.chunk),
                snakemake.params.n_chunks)
