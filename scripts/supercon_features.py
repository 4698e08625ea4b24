"""Snakemake entry point: one featuriser's feature matrix."""

from physbench import logs
from physbench.supercon.features import build_features

logs.setup(snakemake.log[0])
build_features(snakemake.input.materials, snakemake.input.elements, snakemake.wildcards.featuriser, snakemake.output[0])
