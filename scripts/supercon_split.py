"""Snakemake entry point: test indices of one split scheme."""

from physbench import logs
from physbench.supercon.splits import build_split

logs.setup(snakemake.log[0])
build_split(snakemake.input.materials, snakemake.params.split, snakemake.output[0])
