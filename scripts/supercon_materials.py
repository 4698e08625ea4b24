"""Snakemake entry point: the study's material table (keys, families, subsample)."""

from physbench import logs
from physbench.supercon.data import build_materials

logs.setup(snakemake.log[0])
build_materials(snakemake.input.compositions, snakemake.output[0], **snakemake.params.materials)
