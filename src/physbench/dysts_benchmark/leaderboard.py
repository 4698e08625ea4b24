"""The leaderboard: our rows next to the published ones, medians, wins and paired tests.

All comparisons pair systems: a model pair is compared on the systems both have a finite sMAPE for.
A win is a strictly lower sMAPE; the paired test is the two-sided Wilcoxon signed-rank test of
the per-system sMAPE differences (scipy's default zero handling).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from scipy.stats import wilcoxon

from physbench.chaos.scores import bootstrap_median_ci
from physbench.dysts_benchmark.data import PublishedSystem
from physbench.dysts_benchmark.run import COLUMNS, SOURCE

PUBLISHED = "published"
BASELINE = "NBEATSModel"
COMPARISON_COLUMNS = ("model", "against", "n_systems", "wins", "losses", "ties", "win_fraction", "median_difference",
                      "wilcoxon_p")


def published_rows(reference: Mapping[str, PublishedSystem]) -> pd.DataFrame:
    """Per-system rows (:data:`run.COLUMNS`) of every model in a published results file (no timings)."""
    rows = [{"system": name, "model": model, "source": PUBLISHED, **result.scores, "fit_seconds": math.nan,
             "forecast_seconds": math.nan, "select_seconds": math.nan, "diverged": False, "fallback": False,
             "hit_clip": False, "params": None}
            for name, system in reference.items() for model, result in system.models.items()]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def per_system_table(ours: Iterable[pd.DataFrame], reference: Mapping[str, PublishedSystem]) -> pd.DataFrame:
    """One row per (system, model): ours and the published ones, sorted by source, model and system."""
    frames = [frame for frame in (*ours, published_rows(reference)) if len(frame)]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(COLUMNS))
    duplicated = table.duplicated(["system", "model", "source"])
    if duplicated.any():
        raise ValueError(f"duplicate (system, model, source) rows: {table.loc[duplicated, ['system', 'model']].values}")
    return table.sort_values(["source", "model", "system"], ignore_index=True)


def _paired(table: pd.DataFrame, model: str, other: str, source: str, other_source: str) -> pd.DataFrame:
    a = table[(table["model"] == model) & (table["source"] == source)].set_index("system")["smape"]
    b = table[(table["model"] == other) & (table["source"] == other_source)].set_index("system")["smape"]
    paired = pd.concat([a.rename("a"), b.rename("b")], axis=1, join="inner")
    return paired[np.isfinite(paired["a"]) & np.isfinite(paired["b"])]


def compare(table: pd.DataFrame, model: str, other: str, source: str = SOURCE,
            other_source: str = PUBLISHED) -> dict:
    """Wins, losses, ties (lower sMAPE wins) and the paired Wilcoxon p of ``model`` against ``other``."""
    paired = _paired(table, model, other, source, other_source)
    diff = (paired["a"] - paired["b"]).to_numpy()
    p = float(wilcoxon(diff).pvalue) if np.any(diff != 0) else 1.0
    return {"model": model, "against": other, "n_systems": len(diff), "wins": int(np.sum(diff < 0)),
            "losses": int(np.sum(diff > 0)), "ties": int(np.sum(diff == 0)),
            "win_fraction": float(np.mean(diff < 0)) if len(diff) else math.nan,
            "median_difference": float(np.median(diff)) if len(diff) else math.nan, "wilcoxon_p": p}


def medians(table: pd.DataFrame, systems: Iterable[str] | None = None, n_resamples: int = 2000,
            seed: int = 0) -> pd.DataFrame:
    """Per (source, model): median sMAPE with a percentile-bootstrap 95 % interval, MAE, MSE and cost.

    ``systems`` restricts the systems (default: those of the published rows, so that every model
    is summarised over the same systems; every system when there are no published rows). Seconds
    are per-system medians of fit, forecast and selection, and their sum over systems.
    """
    if systems is None:
        published = table["source"] == PUBLISHED
        systems = table.loc[published if published.any() else slice(None), "system"].unique()
    table = table[table["system"].isin(list(systems))]
    rows = []
    for (source, model), group in table.groupby(["source", "model"], sort=True):
        low, high = bootstrap_median_ci(group["smape"].to_numpy(), n_resamples, seed)
        cost = group[["fit_seconds", "forecast_seconds", "select_seconds"]]
        rows.append({"source": source, "model": model, "n_systems": int(np.isfinite(group["smape"]).sum()),
                     "median_smape": float(np.nanmedian(group["smape"])), "smape_ci_low": low, "smape_ci_high": high,
                     "median_mae": float(np.nanmedian(group["mae"])), "median_mse": float(np.nanmedian(group["mse"])),
                     "median_fit_seconds": _median(cost["fit_seconds"]),
                     "median_forecast_seconds": _median(cost["forecast_seconds"]),
                     "total_cpu_seconds": float(cost.sum().sum()) if cost.notna().any().any() else math.nan,
                     "diverged": int(group["diverged"].sum()), "hit_clip": int(group["hit_clip"].sum())})
    return pd.DataFrame(rows).sort_values("median_smape", ignore_index=True)


def _median(values: pd.Series) -> float:
    """Median of the finite values, NaN when there are none (published rows carry no timings)."""
    values = values[np.isfinite(values)]
    return float(values.median()) if len(values) else math.nan


def comparisons(table: pd.DataFrame) -> pd.DataFrame:
    """Every one of our models against every published model: wins, losses and paired p."""
    ours = sorted(table.loc[table["source"] == SOURCE, "model"].unique())
    theirs = sorted(table.loc[table["source"] == PUBLISHED, "model"].unique())
    return pd.DataFrame([compare(table, model, other) for model in ours for other in theirs],
                        columns=list(COMPARISON_COLUMNS))
