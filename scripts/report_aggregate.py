"""Snakemake entry point: every study's metrics in <results>/metrics.parquet, headline numbers in
<results>/summary.json."""

from physbench import logs
from physbench.report.build import aggregate_results

logs.setup(snakemake.log[0])
aggregate_results(snakemake.params.metrics, snakemake.params.summaries, snakemake.output.metrics,
                  snakemake.output.summary)
