"""Rule dysts_benchmark_leaderboard: our forecasters in the published leaderboard, summary and figure."""

from physbench import logs
from physbench.dysts_benchmark.leaderboard_job import leaderboard_job

logs.setup(snakemake.log[0])
leaderboard_job(snakemake.input.rows, snakemake.input.reference, snakemake.params.settings,
                snakemake.output.per_system, snakemake.output.medians, snakemake.output.comparisons,
                snakemake.output.summary, snakemake.output.figure,
                {"test": snakemake.input.test, "forecasts": list(snakemake.input.forecasts),
                 "directory": snakemake.output.gallery, "manifest": snakemake.output.gallery_manifest,
                 "by_system": snakemake.output.by_system})
