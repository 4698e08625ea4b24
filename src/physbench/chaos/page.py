"""Report page of the chaos study (reads results/chaos/{summary.json,per_system.parquet,figures})."""

import re
from collections.abc import Mapping

from physbench.report.page import Gallery, Reference, StudyPage, TableSpec, quantity, sentence, summary_value

# Gilpin 2023, data-limited sweep at 1000 training points (recomputed from the committed result files).
GILPIN_2023_MULTIVARIATE = Reference(
    label="Gilpin 2023, multivariate standardised series, 1000 training points, 2-period horizon, about 130 "
          "systems; trajectories for the test come from other initial conditions",
    value="best model N-BEATS: median sMAPE 42.3; per-model valid prediction times were not retrievable (the "
          "abstract: the best large models stay accurate for up to two dozen Lyapunov times)",
    citation="W. Gilpin, Phys. Rev. Research 5 (2023), arXiv:2303.08011",
)
GILPIN_2021_UNIVARIATE = Reference(
    label="Gilpin 2021, univariate series (first coordinate), 100 points per period, 1000 training points, "
          "2-period horizon, 131 systems",
    value="best model N-BEATS: median sMAPE 67.7",
    citation="W. Gilpin, NeurIPS Datasets and Benchmarks (2021), arXiv:2110.05266",
)
SMAPE_WINDOW = re.compile(r"smape_(\d+)period")


def smape_words(metric: str) -> str:
    """``smape_2period`` -> ``sMAPE over 2 periods``; other window names as they are."""
    match = SMAPE_WINDOW.fullmatch(metric)
    if match is None:
        return metric
    periods = int(match.group(1))
    return f"sMAPE over {periods} period{'s' if periods != 1 else ''}"


def headline_sentence(summary: Mapping) -> str:
    """Per observation setting, the forecaster with the longest median valid prediction time (Lyapunov
    times) and the one with the lowest median sMAPE (0-200) over the systems, e.g. "135 systems;
    multivariate observations, best nvar_cubic: median valid prediction time 5.13 Lyapunov times, median
    sMAPE over 2 periods 0.0930"."""
    best = summary_value(summary, "best_model")
    smape_name = smape_words(str(summary_value(summary, "smape_metric") or "sMAPE"))
    settings = []
    for setting, entry in sorted(best.items()) if isinstance(best, Mapping) else ():
        by_vpt, by_smape = str(summary_value(entry, "by_vpt") or ""), str(summary_value(entry, "by_smape") or "")
        vpt = quantity("median valid prediction time", summary_value(entry, "median_vpt"), "Lyapunov times")
        smape = quantity(f"median {smape_name}", summary_value(entry, "median_smape"))
        if by_vpt == by_smape:
            scores = sentence(by_vpt, sentence(vpt, smape), separator=": ")
        else:
            scores = sentence(sentence(by_vpt, vpt, separator=" ") if vpt else "",
                              sentence(by_smape, smape, separator=" ") if smape else "")
        if scores:
            settings.append(f"{setting} observations, best {scores}")
    systems = summary_value(summary, "n_systems")
    return sentence(f"{systems} systems" if systems is not None else "", *settings, separator="; ")


PAGE = StudyPage(
    title="Chaos: forecasting chaotic flows",
    description=(
        "Forecasters on the chaotic systems of dysts, scored by valid prediction time (in Lyapunov "
        "times) and sMAPE over test origins, per observation setting."
    ),
    tables=(
        TableSpec(
            "per_system.parquet",
            "Per system",
            "Median over test origins per (setting, model, system); a system's name links to its forecasts in "
            "the gallery below; the note (hover for all of it) gives the reasons of undefined or failed values.",
            units={"vpt": "Lyapunov times", "vpt_smape30": "Lyapunov times", "forecast_seconds": "s",
                   "fit_seconds": "s"},
            columns=("setting", "model", "system", "vpt", "vpt_smape30", "smape", "wasserstein1", "spectral_hellinger",
                     "lyapunov_max", "period", "horizon_lyapunov_times", "dimension", "n_channels", "fit_seconds",
                     "forecast_seconds", "status", "note"),
            sort=("setting", "system", "vpt"),
            ascending=(True, True, False),
        ),
    ),
    figures=("ranking", "vpt_vs_lyapunov", "forecast_panels"),
    gallery=Gallery("figures/systems", "Forecasts of every system", caption_file="chaos_systems", item_column="system"),
    captions={
        "ranking": "Median valid prediction time and sMAPE over systems per forecaster, with 95% bootstrap intervals.",
        "vpt_vs_lyapunov": "Valid prediction time of each forecaster against the system's largest Lyapunov exponent.",
        "forecast_panels": "Forecasts against the true trajectory on example systems.",
    },
    headline_keys=("n_systems", "n_failed_systems", "n_failed_fits", "best_model", "smape_metric"),
    highlights=("best_model.*.by_vpt", "best_model.*.median_vpt", "n_systems", "n_failed_systems", "n_failed_fits",
                "best_model.*", "smape_metric"),
    headline_sentence=headline_sentence,
    references=(GILPIN_2023_MULTIVARIATE, GILPIN_2021_UNIVARIATE),
)
