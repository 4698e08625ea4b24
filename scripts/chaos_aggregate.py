"""Rule chaos_aggregate: concatenate the per-job chaos metrics into one validated table."""

from physbench import logs
from physbench.metrics import aggregate

logs.setup(snakemake.log[0])  # noqa: F821 - injected by Snakemake
aggregate(list(snakemake.input), snakemake.output[0])  # noqa: F821
