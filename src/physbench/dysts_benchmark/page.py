"""Report page of the dysts benchmark study (reads results/dysts_benchmark/)."""

from physbench.report.page import StudyPage, TableSpec

PAGE = StudyPage(
    title="dysts benchmark: our forecasters in the published leaderboard",
    description=(
        "The published dysts forecasting benchmark (Gilpin 2021; univariate, 100 points per period), run by "
        "its own protocol: fit on the first 5/6 of each test series, forecast the rest, sMAPE (0-200) over the "
        "points the reference scores. Our forecasters choose their hyper-parameters on the train file only; "
        "the published rows are the darts models of the reference file. Washouts, tap spacings and reservoir "
        "time constants are set in dominant periods, so the same settings serve files of any resolution."
    ),
    tables=(
        TableSpec(file="medians.parquet", title="Leaderboard",
                  caption="Median sMAPE over systems with 95 % bootstrap intervals; CPU seconds (selection, fit "
                          "and forecast over all systems) are ours only. 'diverged': first-choice forecasts that "
                          "left +-clip_sd training sd and were replaced by the next stable candidate; 'hit_clip': "
                          "scored forecasts outside +-clip_sd (measured after the replacements).",
                  columns=("source", "model", "n_systems", "median_smape", "smape_ci_low", "smape_ci_high",
                           "median_mae", "total_cpu_seconds", "diverged", "hit_clip"),
                  sort=("median_smape",)),
        TableSpec(file="comparisons.parquet", title="Paired comparisons",
                  caption="Each of our forecasters against each published model, system by system: wins, losses "
                          "and the paired Wilcoxon signed-rank p.",
                  sort=("model", "wilcoxon_p")),
    ),
    figures=("leaderboard",),
    highlights=("best_model", "best_median_smape", "baseline", "baseline_median_smape", "n_systems"),
)
