"""Snakemake entry point: fit one halo model under one prior setting to one chunk of galaxies, sample posteriors."""

from pathlib import Path

from physbench import logs
from physbench.sparc.steps import fit_chunk

logs.setup(snakemake.log[0])
fit_chunk(
    Path(snakemake.input.table).parent,
    snakemake.input.get("templates"),
    snakemake.output.metrics,
    snakemake.output.parameters,
    snakemake.output.samples,
    model_name=snakemake.wildcards.model,
    setting_name=snakemake.wildcards.setting,
    chunk=int(snakemake.wildcards.chunk),
    params=dict(snakemake.params.items()),
)
