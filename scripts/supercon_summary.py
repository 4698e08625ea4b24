"""Snakemake entry point: leaderboard, headline numbers and figures of the study."""

from physbench import logs
from physbench.supercon.report import summarise

logs.setup(snakemake.log[0])
summarise(
    snakemake.input.metrics,
    snakemake.input.predictions,
    snakemake.input.importances,
    summary_json=snakemake.output.summary,
    leaderboard_parquet=snakemake.output.leaderboard,
    parity_png=snakemake.output.parity,
    rmse_png=snakemake.output.rmse,
    importance_png=snakemake.output.importance,
    split_kinds=snakemake.params.split_kinds,
)
