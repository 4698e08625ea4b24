"""Report figures of the chaos study (matplotlib, Agg backend)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def ranking_figure(rank: pd.DataFrame, smape_label: str):
    """Median VPT (Lyapunov times) and median sMAPE per forecaster with 95% bootstrap intervals."""
    settings = sorted(rank["setting"].unique())
    fig, axes = plt.subplots(2, len(settings), figsize=(5 * len(settings), 7), squeeze=False)
    for col, setting in enumerate(settings):
        group = rank[rank["setting"] == setting].sort_values("median_vpt")
        y = np.arange(len(group))
        for row, (value, low, high, label) in enumerate([
            ("median_vpt", "vpt_ci_low", "vpt_ci_high", "median VPT (Lyapunov times)"),
            ("median_smape", "smape_ci_low", "smape_ci_high", f"median sMAPE, {smape_label} (0-200)"),
        ]):
            ax = axes[row, col]
            centre = group[value].to_numpy(float)
            err = np.vstack([centre - group[low].to_numpy(float), group[high].to_numpy(float) - centre])
            ax.barh(y, centre, xerr=np.nan_to_num(np.abs(err)), color="tab:blue" if row == 0 else "tab:orange",
                    alpha=0.8, capsize=3)
            ax.set_yticks(y, group["model"])
            ax.set_xlabel(label)
            ax.set_title(f"{setting} ({int(group['n_systems'].max()) if len(group) else 0} systems)")
    fig.tight_layout()
    return fig


def vpt_lyapunov_figure(per_system: pd.DataFrame, models: list[str]):
    """Per-system median VPT against the largest Lyapunov exponent, one panel per setting."""
    settings = sorted(per_system["setting"].unique())
    fig, axes = plt.subplots(1, len(settings), figsize=(6 * len(settings), 4.5), squeeze=False)
    for ax, setting in zip(axes[0], settings):
        group = per_system[per_system["setting"] == setting]
        for model in models:
            rows = group[(group["model"] == model) & (group["lyapunov_max"] > 0)]
            ax.scatter(rows["lyapunov_max"], rows["vpt"], s=12, alpha=0.7, label=model)
        ax.set_xscale("log")
        ax.set_xlabel("largest Lyapunov exponent (1 / time unit)")
        ax.set_ylabel("median VPT (Lyapunov times)")
        ax.set_title(setting)
    axes[0, -1].legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    return fig


def _forecast_panel(ax, rows: pd.DataFrame, models: list[str], title: str, small: bool = False) -> None:
    """One system's first-channel truth (black) and the forecasts of ``models`` (rows of one setting)
    on ``ax``, the y range set by the truth; an empty frame leaves the axes off."""
    ax.set_title(title, fontsize=8 if small else None, parse_math=False)  # names shown literally, not as TeX
    if rows.empty:
        ax.set_axis_off()
        return
    truth = rows[rows["model"] == rows["model"].iloc[0]]
    ax.plot(truth["lyapunov_time"], truth["truth"], color="black", lw=1.2 if small else 1.5, label="truth")
    for model in models:
        forecast = rows[rows["model"] == model]
        if len(forecast):
            ax.plot(forecast["lyapunov_time"], forecast["forecast"], lw=0.8 if small else 0.9, label=model)
    low, high = truth["truth"].min(), truth["truth"].max()
    pad = 0.3 * (high - low + 1e-12)
    ax.set_ylim(low - pad, high + pad)
    ax.set_xlabel("Lyapunov times" if small else "time (Lyapunov times)", fontsize=7 if small else None)
    if small:
        ax.tick_params(labelsize=6)


def panels_figure(panels: pd.DataFrame, systems: list[str], models: list[str]):
    """First-channel forecast vs truth from the first test origin, rows = systems, columns = settings."""
    settings = sorted(panels["setting"].unique()) if len(panels) else ["multivariate"]
    systems = [s for s in systems if s in set(panels["system"])] or systems[:1]
    fig, axes = plt.subplots(len(systems), len(settings), figsize=(6 * len(settings), 2.8 * len(systems)),
                             squeeze=False)
    first = panels[panels["channel"] == 0]
    for i, system in enumerate(systems):
        for j, setting in enumerate(settings):
            rows = first[(first["system"] == system) & (first["setting"] == setting)]
            _forecast_panel(axes[i, j], rows, models, f"{system}, {setting}, x0")
    axes[0, -1].legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    return fig


def system_figures(panels: pd.DataFrame, models: list[str]):
    """One small figure per system: the first channel's forecast of each of ``models`` from the first test
    origin against the truth, one panel per observation setting; yields (system, figure)."""
    first = panels[panels["channel"] == 0]
    settings = sorted(first["setting"].unique())
    for system, rows in first.groupby("system", sort=True):
        fig, axes = plt.subplots(1, len(settings), figsize=(3.2 * len(settings), 2.3), squeeze=False)
        for ax, setting in zip(axes[0], settings):
            _forecast_panel(ax, rows[rows["setting"] == setting], models, f"{system}, {setting}", small=True)
        axes[0, -1].legend(fontsize=5, loc="upper right")
        fig.tight_layout()
        yield system, fig
