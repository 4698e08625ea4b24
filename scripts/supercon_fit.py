"""Snakemake entry point: fit and score one model on one chunk of the folds of one split scheme."""

from physbench import logs
from physbench.supercon.evaluate import fit_cell

logs.setup(snakemake.log[0])
fit_cell(
    snakemake.input.features,
    snakemake.input.materials,
    snakemake.input.split,
    snakemake.output.metrics,
    snakemake.output.predictions,
    snakemake.output.importances,
    featuriser=snakemake.wildcards.featuriser,
    scheme=snakemake.wildcards.scheme,
    model_name=snakemake.wildcards.model,
    params=dict(snakemake.params.items()),
    threads=snakemake.threads,
    chunk=int(snakemake.wildcards.chunk),
)
