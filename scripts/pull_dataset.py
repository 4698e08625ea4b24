"""Snakemake entry point: pull one dataset into data/raw/<dataset>/ (see physbench.data.pull)."""

from physbench import logs
from physbench.data.pull import DownloadLimits, pull_dataset

logs.setup(snakemake.log[0])
pull_dataset(
    snakemake.params.dataset,
    snakemake.params.spec,
    source=snakemake.params.source,
    out_dir=f"data/raw/{snakemake.params.dataset}",
    limits=DownloadLimits(**snakemake.params.limits),
)
