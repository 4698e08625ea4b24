"""Snakemake entry point: physbench compare of two versions (git revisions, or `workspace` for results/)."""

from pathlib import Path

from physbench import logs
from physbench.compare import run_compare

logs.setup(snakemake.log[0])
run_compare(snakemake.params.sides["a"], snakemake.params.sides["b"], out_dir=Path(snakemake.output.html).parent)
