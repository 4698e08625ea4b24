"""Report page of the dysts benchmark study (reads results/dysts_benchmark/)."""

from collections.abc import Mapping

from physbench.report.page import Gallery, Reference, StudyPage, TableSpec, quantity, sentence, summary_value

# Gilpin 2021, univariate benchmark at 100 points per period, median sMAPE (0-200) recomputed from the
# benchmark's committed result files: the same protocol and reference file as this study.
GILPIN_2021_BEST = Reference(
    label="Gilpin 2021, univariate benchmark, 100 points per period, 2-period horizon, 131 systems",
    value="best published model N-BEATS: median sMAPE 67.7 (next: Transformer 101.4, LSTM 102.0; naive mean 148.9)",
    citation="W. Gilpin, NeurIPS Datasets and Benchmarks (2021), arXiv:2110.05266",
)


def headline_sentence(summary: Mapping) -> str:
    """Our best forecaster's median sMAPE (0-200) over the systems with its paired record against the
    published baseline, and the baseline's median in the reference file on the same systems, e.g. "best
    of ours esn: median sMAPE 24.6 over 131 systems, better than NBEATSModel on 103 systems and worse on
    28; NBEATSModel, published, on the same systems: median sMAPE 67.7"."""
    best, baseline = summary_value(summary, "best_model"), summary_value(summary, "baseline")
    systems = summary_value(summary, "n_systems")
    ours = sentence(quantity("median sMAPE", summary_value(summary, "best_median_smape")),
                    f"over {systems} systems" if systems is not None else "", separator=" ")
    wins, losses = (summary_value(summary, f"models.{best}.{key}") for key in ("wins", "losses"))
    record = (f"better than {baseline} on {wins} systems and worse on {losses}"
              if None not in (best, baseline, wins, losses) else "")
    published = quantity("median sMAPE", summary_value(summary, "baseline_median_smape"))
    return sentence(sentence(f"best of ours {best}" if best else "", sentence(ours, record), separator=": "),
                    f"{baseline}, published, on the same systems: {published}" if baseline and published else "",
                    separator="; ")


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
        TableSpec(file="by_system.parquet", title="Per system",
                  caption="sMAPE (0-200) of each of our forecasters and of the published baseline on each system; "
                          "a system's name links to its forecasts in the gallery below.",
                  sort=("system",)),
        TableSpec(file="comparisons.parquet", title="Paired comparisons",
                  caption="Each of our forecasters against each published model, system by system: wins, losses "
                          "and the paired Wilcoxon signed-rank p.",
                  sort=("model", "wilcoxon_p")),
    ),
    figures=("leaderboard",),
    gallery=Gallery("figures/systems", "Forecasts of every system", caption_file="dysts_benchmark_systems",
                    item_column="system"),
    highlights=("best_model", "best_median_smape", "baseline", "baseline_median_smape", "n_systems"),
    headline_sentence=headline_sentence,
    references=(GILPIN_2021_BEST,),
)
