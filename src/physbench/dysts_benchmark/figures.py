"""The leaderboard figure (median sMAPE with bootstrap intervals, ours beside the published models) and
the per-system forecast figures of the report's gallery."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from physbench.io import save_figure
from physbench.plotting import plt

OURS_COLOUR, PUBLISHED_COLOUR = "tab:blue", "tab:gray"


def leaderboard_figure(medians: pd.DataFrame, baseline: str, out: str | os.PathLike) -> None:
    """Horizontal points with 95 % intervals, best model on top; ours in colour, the baseline marked.

    ``medians``: one row per (source, model) with ``median_smape``, ``smape_ci_low``,
    ``smape_ci_high`` (sMAPE on the 0-200 scale) and ``total_cpu_seconds`` (NaN for published rows).
    """
    table = medians.sort_values("median_smape", ascending=False, ignore_index=True)
    ours = (table["source"] != "published").to_numpy()
    fig, ax = plt.subplots(figsize=(7.5, 0.32 * len(table) + 1.5))
    y = np.arange(len(table))
    errors = np.abs(table[["smape_ci_low", "smape_ci_high"]].to_numpy().T - table["median_smape"].to_numpy())
    for mask, colour, label in ((ours, OURS_COLOUR, "physbench (tuned on the train file)"),
                                (~ours, PUBLISHED_COLOUR, "published (darts)")):
        ax.errorbar(table["median_smape"][mask], y[mask], xerr=errors[:, mask], fmt="o", color=colour,
                    capsize=2, label=label)
    names = [f"{model}  ({seconds:.3g} s CPU)" if np.isfinite(seconds) else model
             for model, seconds in zip(table["model"], table["total_cpu_seconds"], strict=True)]
    ax.set_yticks(y, names)
    if baseline in set(table["model"]):
        ax.axvline(float(table.loc[table["model"] == baseline, "median_smape"].iloc[0]), color=PUBLISHED_COLOUR,
                   linestyle="--", linewidth=1, label=f"{baseline} (median)")
    ax.set_xlabel("median sMAPE over systems (0-200, lower is better)")
    ax.set_title(f"dysts benchmark leaderboard, {int(table['n_systems'].max())} systems")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.6 / (0.32 * len(table) + 1.5)), ncol=3, fontsize=8,
              frameon=False)
    save_figure(fig, out)


def system_figures(truth: dict, forecasts: pd.DataFrame, models: list[str], published: dict, baseline: str):
    """One small figure per system of ``truth`` (system -> scored true values): the forecasts of our
    ``models`` (long frame: system, model, step, forecast) and the ``baseline``'s published forecast
    (system -> values) over the scored points; yields (system, figure)."""
    for system in sorted(truth):
        fig, ax = plt.subplots(figsize=(4.2, 2.3))
        ax.plot(truth[system], color="black", lw=1.2, label="truth")
        rows = forecasts[forecasts["system"] == system]
        for model in models:
            forecast = rows[rows["model"] == model]
            if len(forecast):
                ax.plot(forecast["step"], forecast["forecast"], lw=0.8, label=model)
        if system in published:
            ax.plot(published[system][: len(truth[system])], color=PUBLISHED_COLOUR, lw=0.8, ls="--",
                    label=f"{baseline} (published)")
        low, high = np.nanmin(truth[system]), np.nanmax(truth[system])
        pad = 0.3 * (high - low + 1e-12)
        ax.set_ylim(low - pad, high + pad)
        ax.set_title(system, fontsize=8, parse_math=False)  # names shown literally, not as TeX
        ax.set_xlabel("scored forecast step", fontsize=7)
        ax.tick_params(labelsize=6)
        ax.legend(fontsize=5, loc="upper right")
        fig.tight_layout()
        yield system, fig
