"""Per-model summaries of the SPARC fits: goodness of fit, BIC preference, and the DARKexp phi0 story."""

from __future__ import annotations

import logging
import math
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from physbench.io import read_parquet, write_json, write_parquet
from physbench.metrics import read_metrics as read_metrics_table
from physbench.sparc.data import TABLE_FILE, read_galaxy_table, select_sample

log = logging.getLogger(__name__)

CORED_PHI0 = 2.0  # phi0 at or below this: flat-cored DARKexp halos (energy-gap regime below ~2.07)


def fit_table(metrics: pd.DataFrame) -> pd.DataFrame:
    """Wide table, one row per (setting, model, galaxy) with the fit metrics as columns."""
    wide = metrics.pivot_table(index=["setting", "model", "unit"], columns="metric", values="value",
                               aggfunc="first", dropna=False)
    notes = metrics.groupby(["setting", "model", "unit"])["note"].first()
    wide = wide.join(notes).reset_index().rename(columns={"unit": "galaxy"})
    wide.columns.name = None
    return wide


def bic_preference(fits: pd.DataFrame) -> pd.DataFrame:
    """Per setting: for each galaxy the model with the lowest BIC; counts per model."""
    finite = fits[np.isfinite(fits["bic"])]
    best = finite.loc[finite.groupby(["setting", "galaxy"])["bic"].idxmin(), ["setting", "galaxy", "model"]]
    return best


def model_summary(fits: pd.DataFrame, galaxies: list[str] | None = None) -> pd.DataFrame:
    """Per (setting, model): counts, median reduced chi^2, fractions below 1.5 and 3, BIC wins.

    Medians and fractions are over galaxies where the reduced chi^2 is defined (N > f); the
    ``common`` median uses only galaxies where it is defined for every model of the setting.
    """
    if galaxies is not None:
        fits = fits[fits["galaxy"].isin(galaxies)]
    rows = []
    wins = bic_preference(fits).groupby(["setting", "model"]).size()
    for setting, per_setting in fits.groupby("setting"):
        defined = per_setting.pivot(index="galaxy", columns="model", values="reduced_chi2")
        common = defined.dropna().index
        for model, group in per_setting.groupby("model"):
            chi2_nu = group["reduced_chi2"].to_numpy()
            finite = chi2_nu[np.isfinite(chi2_nu)]
            rows.append({
                "setting": setting, "model": model, "n_galaxies": len(group),
                "n_failed": int((~np.isfinite(group["chi2"])).sum()),
                "n_converged": int((group["converged"] == 1).sum()),
                "n_at_bound": int((group["at_bound"] == 1).sum()),
                "n_halo_at_bound": int((group["halo_at_bound"] == 1).sum()),
                "n_reduced_chi2_defined": len(finite),
                "median_reduced_chi2": float(np.median(finite)) if len(finite) else math.nan,
                "median_reduced_chi2_common": float(defined.loc[common, model].median()) if len(common) else math.nan,
                "n_common": len(common),
                "fraction_below_1p5": float(np.mean(finite < 1.5)) if len(finite) else math.nan,
                "fraction_below_3": float(np.mean(finite < 3.0)) if len(finite) else math.nan,
                "bic_wins": int(wins.get((setting, model), 0)),
                "median_fit_seconds": float(np.nanmedian(group["fit_seconds"])),
                "total_fit_seconds": float(np.nansum(group["fit_seconds"])),
            } | _posterior_counts(group))
    return pd.DataFrame(rows)


def _posterior_counts(group: pd.DataFrame) -> dict:
    """Sampled posteriors of one (setting, model): how many, how many converged, their cost."""
    if "posterior_converged" not in group:
        return {"n_posterior": 0, "n_posterior_converged": 0, "total_posterior_seconds": 0.0}
    sampled = group["posterior_converged"].notna()
    return {"n_posterior": int(sampled.sum()), "n_posterior_converged": int((group["posterior_converged"] == 1).sum()),
            "total_posterior_seconds": float(np.nansum(group["posterior_seconds"]))}


def phi0_table(parameters: pd.DataFrame, galaxy_table: pd.DataFrame, fits: pd.DataFrame) -> pd.DataFrame:
    """Best-fit phi0 per (setting, DARKexp model, galaxy), with Vflat [km/s] and the fit flags."""
    phi0 = parameters[parameters["parameter"] == "phi0"]
    phi0 = phi0[["setting", "model", "galaxy", "value", "error", "at_bound"]].rename(
        columns={"value": "phi0", "error": "phi0_error", "at_bound": "phi0_at_bound"})
    flags = fits[["setting", "model", "galaxy", "reduced_chi2", "converged"]]
    phi0 = phi0.merge(flags, on=["setting", "model", "galaxy"], how="left")
    return phi0.merge(galaxy_table[["vflat_kms", "quality"]], left_on="galaxy", right_index=True, how="left")


def phi0_summary(phi0: pd.DataFrame) -> dict:
    """Distribution of phi0 (cored <= 2 vs cuspy) and its rank correlation with Vflat, per setting/model."""
    out = {}
    for (setting, model), group in phi0.groupby(["setting", "model"]):
        values = group["phi0"].to_numpy()
        with_vflat = group.dropna(subset=["vflat_kms"])
        rho, p_value = (spearmanr(with_vflat["phi0"], with_vflat["vflat_kms"]) if len(with_vflat) > 2
                        else (math.nan, math.nan))
        out[f"{setting}/{model}"] = {
            "n": len(values),
            "n_cored_phi0_le_2": int(np.sum(values <= CORED_PHI0)),
            "n_cuspy_phi0_gt_2": int(np.sum(values > CORED_PHI0)),
            "n_at_phi0_bound": int(group["phi0_at_bound"].sum()),
            "quantiles": {q: float(np.quantile(values, float(q))) for q in ("0.1", "0.25", "0.5", "0.75", "0.9")},
            "vflat_spearman_rho": float(rho), "vflat_spearman_p": float(p_value), "n_with_vflat": len(with_vflat),
        }
    return out


def summarise(metrics: pd.DataFrame, parameters: pd.DataFrame, galaxy_table: pd.DataFrame,
              subsamples: dict[str, list[str]]) -> tuple[dict, pd.DataFrame]:
    """Headline numbers (for summary.json) and the per-model table for every named sample."""
    fits = fit_table(metrics)
    tables = [model_summary(fits).assign(sample="all")]
    for name, cuts in subsamples.items():
        members = select_sample(galaxy_table, cuts)
        tables.append(model_summary(fits, members).assign(sample=name))
    table = pd.concat(tables, ignore_index=True)
    summary: dict = {"n_galaxies": int(fits["galaxy"].nunique()), "settings": {}}
    for setting, group in table[table["sample"] == "all"].groupby("setting"):
        halos = group[group["model"] != "baryons"].sort_values("median_reduced_chi2")
        by_model = group.set_index("model")
        entry = {
            "best_model": halos["model"].iloc[0] if len(halos) else None,
            "best_median_reduced_chi2": float(halos["median_reduced_chi2"].iloc[0]) if len(halos) else math.nan,
            "median_reduced_chi2": by_model["median_reduced_chi2"].to_dict(),
            "median_reduced_chi2_common": by_model["median_reduced_chi2_common"].to_dict(),
            "fraction_below_1p5": by_model["fraction_below_1p5"].to_dict(),
            "fraction_below_3": by_model["fraction_below_3"].to_dict(),
            "bic_wins": by_model["bic_wins"].to_dict(),
            "n_failed": by_model["n_failed"].to_dict(),
            "n_not_converged": (by_model["n_galaxies"] - by_model["n_converged"]).to_dict(),
            "n_at_bound": by_model["n_at_bound"].to_dict(),
            "n_halo_at_bound": by_model["n_halo_at_bound"].to_dict(),
            "median_fit_seconds": by_model["median_fit_seconds"].to_dict(),
            "n_posterior": by_model["n_posterior"].to_dict(),
            "n_posterior_converged": by_model["n_posterior_converged"].to_dict(),
        }
        if "nfw" in by_model.index:
            nfw = by_model.loc["nfw", "median_reduced_chi2"]
            entry["nfw_over_model_median_reduced_chi2"] = {
                m: float(nfw / v) for m, v in by_model["median_reduced_chi2"].items() if m != "nfw" and v > 0}
        for name in subsamples:
            sub = table[(table["sample"] == name) & (table["setting"] == setting)].set_index("model")
            entry[f"median_reduced_chi2_{name}"] = sub["median_reduced_chi2"].to_dict()
            entry[f"n_galaxies_{name}"] = int(sub["n_galaxies"].max()) if len(sub) else 0
        summary["settings"][setting] = entry
    if (parameters["parameter"] == "phi0").any():
        summary["phi0"] = phi0_summary(phi0_table(parameters, galaxy_table, fits))
    return summary, table


def summarise_study(metrics_parquet, parameters_parquet, data_dir, out_summary, out_table, out_phi0, *,
                    subsamples: dict) -> None:
    """summary.json (headline numbers), the per-model table and the DARKexp phi0 table."""
    metrics, parameters = read_metrics_table(metrics_parquet), read_parquet(parameters_parquet)
    galaxy_table = read_galaxy_table(Path(data_dir) / TABLE_FILE)
    summary, table = summarise(metrics, parameters, galaxy_table, subsamples)
    for setting, entry in summary["settings"].items():
        log.info("%s: median reduced chi2 %s; BIC wins %s", setting,
                 {k: round(v, 3) for k, v in entry["median_reduced_chi2"].items()}, entry["bic_wins"])
    write_parquet(out_table, table)
    write_parquet(out_phi0, phi0_table(parameters, galaxy_table, fit_table(metrics)))
    write_json(out_summary, summary)
