"""Rule <study>_aggregate: concatenate a study's per-job tables, one output per named input list."""

from physbench import logs
from physbench.metrics import aggregate_tables

logs.setup(snakemake.log[0])  # noqa: F821 - injected by Snakemake
aggregate_tables(dict(snakemake.input.items()), dict(snakemake.output.items()))  # noqa: F821
