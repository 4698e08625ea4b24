"""Per-system table, forecaster ranking with bootstrap intervals, and the study's summary.json.

Per system, a forecaster's score is the median over test origins; the ranking takes the median of
those over systems, with a percentile bootstrap over systems for the 95% interval.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from physbench.chaos.scores import bootstrap_median_ci

PER_SYSTEM_METRICS = ("vpt", "vpt_smape30", "wasserstein1", "spectral_hellinger", "forecast_seconds")


def per_system_table(metrics: pd.DataFrame, systems: pd.DataFrame, smape_metric: str) -> pd.DataFrame:
    """One row per (setting, model, system): median over origins of the headline metrics, with metadata."""
    wanted = [*PER_SYSTEM_METRICS, smape_metric, "fit_seconds"]
    subset = metrics[metrics["metric"].isin(wanted)]
    table = subset.pivot_table(index=["setting", "model", "unit"], columns="metric", values="value",
                               aggfunc="median", dropna=False)
    table = table.reindex(columns=wanted).reset_index()  # a metric absent everywhere stays as NaN
    notes = (subset.dropna(subset=["note"]).groupby(["setting", "model", "unit"])["note"]
             .agg(lambda s: "; ".join(sorted(set(n for n in s if not n.startswith("params"))))))
    table = table.merge(notes.rename("note").reset_index(), on=["setting", "model", "unit"], how="left")
    table = table.rename(columns={"unit": "system", smape_metric: "smape"})
    meta = systems[["system", "lyapunov_max", "period", "dimension", "n_channels", "status",
                    "horizon_lyapunov_times"]]
    table = table.merge(meta, on="system", how="left")
    table["note"] = table["note"].fillna("")
    return table.sort_values(["setting", "model", "system"]).reset_index(drop=True)


def ranking(per_system: pd.DataFrame, n_resamples: int, seed: int) -> pd.DataFrame:
    """Median VPT and sMAPE over systems per (setting, model), 95% bootstrap intervals; best VPT first."""
    rows = []
    for (setting, model), group in per_system.groupby(["setting", "model"]):
        vpt, smape = group["vpt"].to_numpy(float), group["smape"].to_numpy(float)
        vpt_lo, vpt_hi = bootstrap_median_ci(vpt, n_resamples, seed)
        smape_lo, smape_hi = bootstrap_median_ci(smape, n_resamples, seed)
        rows.append({"setting": setting, "model": model, "n_systems": int(np.isfinite(vpt).sum()),
                     "median_vpt": _median(vpt), "vpt_ci_low": vpt_lo, "vpt_ci_high": vpt_hi,
                     "median_smape": _median(smape), "smape_ci_low": smape_lo, "smape_ci_high": smape_hi,
                     "median_fit_seconds": _median(group["fit_seconds"].to_numpy(float)),
                     "median_forecast_seconds": _median(group["forecast_seconds"].to_numpy(float))})
    table = pd.DataFrame(rows)
    return table.sort_values(["setting", "median_vpt", "median_smape"],
                             ascending=[True, False, True]).reset_index(drop=True)


def _median(values: np.ndarray) -> float:
    values = values[np.isfinite(values)]
    return float(np.median(values)) if values.size else math.nan


def summary(per_system: pd.DataFrame, rank: pd.DataFrame, systems: pd.DataFrame, smape_metric: str) -> dict:
    """Headline numbers for summary.json."""
    failed = systems[systems["status"] != "ok"]
    out = {
        "n_systems": int(len(systems)),
        "n_failed_systems": int(len(failed)),
        "failed_systems": dict(zip(failed["system"], failed["reason"])),
        "integration_seconds_total": float(systems["integration_seconds"].sum()),
        "integration_seconds_max": float(systems["integration_seconds"].max()) if len(systems) else math.nan,
        "smape_metric": smape_metric,
        "vpt_unit": "lyapunov_times",
        "ranking": {},
        "best_model": {},
        "median_vpt_by_system": {},
    }
    for setting, group in rank.groupby("setting"):
        records = group.drop(columns="setting").to_dict(orient="records")
        out["ranking"][setting] = records
        by_smape = group.sort_values("median_smape").iloc[0]
        out["best_model"][setting] = {
            "by_vpt": group.iloc[0]["model"], "median_vpt": float(group.iloc[0]["median_vpt"]),
            "by_smape": by_smape["model"], "median_smape": float(by_smape["median_smape"]),
        }
    for name in ("Lorenz", "Rossler", "MackeyGlass"):
        rows = per_system[per_system["system"] == name]
        if len(rows):
            out["median_vpt_by_system"][name] = {
                setting: dict(zip(g["model"], g["vpt"].astype(float))) for setting, g in rows.groupby("setting")
            }
    failed_fits = per_system[per_system["note"].str.contains("forecaster failed", na=False)]
    out["n_failed_fits"] = int(len(failed_fits))
    return out


def report_job(metrics_path, systems_path, panel_paths, settings: dict, summary_path, per_system_path,
               figure_paths: dict, gallery_dir, gallery_manifest) -> dict:
    """Rule chaos_report: per-system table, ranking, summary.json, the three report figures and the
    gallery of one figure per system (``gallery_dir``, listed in ``gallery_manifest``)."""
    from physbench.chaos import figures
    from physbench.io import read_parquet, save_figure, write_json, write_parquet
    from physbench.metrics import read_metrics
    from physbench.plotting import save_gallery

    report = settings["report"]
    metrics = read_metrics(metrics_path)
    systems = read_parquet(systems_path)
    table = per_system_table(metrics, systems, report["smape_metric"])
    rank = ranking(table, report["bootstrap_resamples"], report["seed"])
    write_parquet(per_system_path, table)
    result = summary(table, rank, systems, report["smape_metric"])
    write_json(summary_path, result)
    models = list(rank["model"].unique())
    save_figure(figures.ranking_figure(rank, report["smape_metric"]), figure_paths["ranking"])
    save_figure(figures.vpt_lyapunov_figure(table, models), figure_paths["vpt_vs_lyapunov"])
    frames = [read_parquet(p) for p in panel_paths]
    panels = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames) else frames[0]
    panel_models = [m for m in report["panel_models"] if m in models] or models
    save_figure(figures.panels_figure(panels, settings["panel_systems"], panel_models), figure_paths["forecast_panels"])
    save_gallery(figures.system_figures(panels, panel_models), gallery_dir, gallery_manifest, "system")
    return result
