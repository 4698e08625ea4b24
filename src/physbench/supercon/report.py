"""Leaderboard, headline numbers and figures of the SuperCon study."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import ScalarFormatter

from physbench.io import read_parquet, save_figure, write_json, write_parquet
from physbench.metrics import read_metrics
from physbench.plotting import plt

REFERENCE = ("hamidieh", "hamidieh25")  # (featuriser, split) of Hamidieh's protocol


def leaderboard_table(metrics: pd.DataFrame) -> pd.DataFrame:
    """Per (featuriser, split, model): mean and std over folds of each score on the whole test set.

    ``rmse_pooled`` is Hamidieh's aggregate sqrt(mean of the fold MSEs).
    """
    scores = metrics[(metrics["unit"] == "all")]
    wide = scores.pivot_table(index=["setting", "split", "model", "fold"], columns="metric", values="value")
    grouped = wide.groupby(level=["setting", "split", "model"])
    table = grouped.mean().add_suffix("_mean").join(grouped.std(ddof=1).add_suffix("_std"))
    table["rmse_pooled"] = grouped["rmse"].apply(lambda r: float(np.sqrt(np.mean(r**2))))
    table["n_folds"] = grouped.size()
    columns = ["n_folds", "rmse_pooled"] + [f"{m}_{s}" for m in ("rmse", "mae", "r2", "pearson_r2", "max_error",
                                                                 "fit_seconds") for s in ("mean", "std")]
    table = table[columns].reset_index().rename(columns={"setting": "featuriser"})
    return table.sort_values(["featuriser", "split", "rmse_mean"]).reset_index(drop=True)


def _best(board: pd.DataFrame) -> pd.Series:
    featuriser, split = REFERENCE
    pick = board[(board["featuriser"] == featuriser) & (board["split"] == split) & (board["model"] != "mean")]
    if pick.empty:
        pick = board[board["model"] != "mean"]
    return pick.sort_values("rmse_mean").iloc[0]


def headline(board: pd.DataFrame, metrics: pd.DataFrame, predictions: pd.DataFrame) -> dict:
    """Best model and scores. ``n_materials_tested``: distinct materials (rows of the material table) with
    at least one test prediction in any cell; ``largest_test_fold``: most materials in one test fold."""
    best = _best(board)
    by_split = {
        f"{row.featuriser}/{row.split}/{row.model}": {"rmse_kelvin": round(row.rmse_mean, 4),
                                                      "r2": round(row.r2_mean, 4)}
        for row in board.itertuples()
    }
    return {
        "study": "supercon",
        "best_model": str(best["model"]),
        "best_setting": f"{best['featuriser']}/{best['split']}",
        "best_rmse_kelvin": round(float(best["rmse_mean"]), 4),
        "best_rmse_pooled_kelvin": round(float(best["rmse_pooled"]), 4),
        "best_r2": round(float(best["r2_mean"]), 4),
        "best_pearson_r2": round(float(best["pearson_r2_mean"]), 4),
        "best_n_folds": int(best["n_folds"]),
        "n_jobs": int(board.shape[0]),
        "n_materials_tested": int(predictions["row"].nunique()),
        "largest_test_fold": int(
            metrics.loc[(metrics["metric"] == "n_test") & (metrics["unit"] == "all"), "value"].max()),
        "scores": by_split,
    }


def count_label(predictions: pd.DataFrame) -> str:
    """How many test predictions, of how many distinct materials, over how many folds: a material is
    predicted once per fold whose test set holds it, so repeated splits count it several times."""
    n, materials, folds = len(predictions), predictions["row"].nunique(), predictions["fold"].nunique()
    if n == materials:
        return f"n = {n} predictions, one per material"
    return f"n = {n} predictions of {materials} materials\nover {folds} folds ({n / materials:.1f} per material)"


def plot_parity(predictions: pd.DataFrame, best: pd.Series, path) -> None:
    sel = predictions[(predictions["featuriser"] == best["featuriser"]) & (predictions["split"] == best["split"])
                      & (predictions["model"] == best["model"])]
    fig, ax = plt.subplots(figsize=(5.5, 5.2))
    for family, colour in (("cuprate", "tab:blue"), ("iron", "tab:red"), ("other", "tab:green")):
        part = sel[sel["family"] == family]
        ax.scatter(part["tc_true_kelvin"], part["tc_pred_kelvin"], s=3, alpha=0.25, color=colour,
                   label=f"{family} ({len(part)} predictions, {part['row'].nunique()} materials)", rasterized=True)
    top = float(max(sel["tc_true_kelvin"].max(), sel["tc_pred_kelvin"].max())) * 1.05
    ax.plot([0, top], [0, top], color="black", lw=1)
    ax.set(xlim=(0, top), ylim=(0, top), xlabel="observed $T_c$ (K)", ylabel="predicted $T_c$ (K)",
           title=f"{best['model']} on {best['featuriser']}/{best['split']}: RMSE {best['rmse_mean']:.2f} K, "
                 f"R² {best['r2_mean']:.3f}")
    ax.legend(loc="upper left", markerscale=4, title=count_label(sel), title_fontsize=8, fontsize=8)
    save_figure(fig, path)


def _rmse_points(ax, part: pd.DataFrame, splits: list[str]) -> None:
    models = sorted(part["model"].unique(), key=lambda m: part.loc[part["model"] == m, "rmse_mean"].min())
    present = [split for split in splits if split in set(part["split"])]
    width = 0.7 / len(present)
    for i, split in enumerate(present):
        rows = part[part["split"] == split].set_index("model").reindex(models)
        ax.errorbar(np.arange(len(models)) + (i - (len(present) - 1) / 2) * width, rows["rmse_mean"],
                    yerr=rows["rmse_std"], fmt="o", ms=4, capsize=2, label=split, color=f"C{splits.index(split)}")
    ax.set_xticks(np.arange(len(models)), models, rotation=35, ha="right")
    # Log scale: differences of a few per cent between schemes stay visible next to the mean baseline.
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(ScalarFormatter())
    ax.yaxis.set_minor_formatter(ScalarFormatter())
    ax.set(ylabel="test RMSE (K), mean ± sd over folds")
    ax.legend(fontsize=8)


def plot_rmse(board: pd.DataFrame, path, split_kinds: dict) -> None:
    """One panel per featuriser with the random and grouped splits, and one per featuriser with family
    hold-outs (errors 2-3x larger, own scale). ``split_kinds``: scheme name -> kind, in config order."""
    panels = []
    for featuriser in sorted(board["featuriser"].unique()):
        part = board[board["featuriser"] == featuriser]
        family = part["split"].map(split_kinds) == "family"
        panels += [(f"features: {featuriser}; {title}", rows) for title, rows in
                   (("random and grouped splits", part[~family]), ("one family held out", part[family]))
                   if not rows.empty]
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 4.8), squeeze=False)
    for ax, (title, part) in zip(axes[0], panels):
        _rmse_points(ax, part, list(split_kinds))
        ax.set_title(title)
    save_figure(fig, path)


def plot_importance(importances: pd.DataFrame, best: pd.Series, path, top: int = 20) -> None:
    sel = importances[(importances["featuriser"] == best["featuriser"]) & (importances["split"] == best["split"])
                      & (importances["model"] == best["model"])]
    fig, ax = plt.subplots(figsize=(6, 6))
    if sel.empty:
        ax.text(0.5, 0.5, f"{best['model']} has no feature importances", ha="center", transform=ax.transAxes)
    else:
        mean = sel.groupby("feature")["importance"].agg(["mean", "std"])
        mean = (mean / mean["mean"].sum()).sort_values("mean").tail(top)
        ax.barh(mean.index, mean["mean"], xerr=mean["std"], capsize=2, color="tab:purple")
        ax.set(xlabel="share of total importance (mean ± sd over folds)",
               title=f"top {len(mean)} features, {best['model']} ({best['featuriser']}/{best['split']})")
    save_figure(fig, path)


def summarise(metrics_parquet, predictions_parquet, importances_parquet, *, summary_json, leaderboard_parquet,
              parity_png, rmse_png, importance_png, split_kinds: dict) -> None:
    metrics = read_metrics(metrics_parquet)
    board = leaderboard_table(metrics)
    best = _best(board)
    predictions = read_parquet(predictions_parquet)
    plot_parity(predictions, best, parity_png)
    plot_rmse(board, rmse_png, split_kinds)
    plot_importance(read_parquet(importances_parquet), best, importance_png)
    write_parquet(leaderboard_parquet, board)
    write_json(summary_json, headline(board, metrics, predictions))
