"""Per-model summaries of the SPARC fits: goodness of fit, BIC preference, and the DARKexp phi0 story."""

from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from physbench.io import read_parquet, write_json, write_parquet
from physbench.metrics import read_metrics as read_metrics_table
from physbench.sparc.data import load_galaxy_table, select_sample
from physbench.sparc.lcdm import COSMIC_BARYON_FRACTION

log = logging.getLogger(__name__)

QUANTILES = ("0.1", "0.25", "0.5", "0.75", "0.9")
CORED_PHI0 = 2.0  # phi0 at or below this: flat-cored DARKexp halos (energy-gap regime below ~2.07)


def fit_table(metrics: pd.DataFrame) -> pd.DataFrame:
    """Wide table, one row per (setting, model, galaxy) with the fit metrics as columns."""
    # Only the (setting, model, galaxy) triples fitted; NaN values kept.
    wide = metrics.set_index(["setting", "model", "unit", "metric"])["value"].unstack("metric")
    notes = metrics.groupby(["setting", "model", "unit"])["note"].first()
    wide = wide.join(notes).reset_index().rename(columns={"unit": "galaxy"})
    wide.columns.name = None
    return wide


def bic_preference(fits: pd.DataFrame) -> pd.DataFrame:
    """Per setting: for each galaxy the model with the lowest BIC; counts per model."""
    finite = fits[np.isfinite(fits["bic"])]
    best = finite.loc[finite.groupby(["setting", "galaxy"])["bic"].idxmin(), ["setting", "galaxy", "model"]]
    return best


def common_galaxies(fits: pd.DataFrame) -> pd.Index:
    """Galaxies with a defined reduced chi^2 (at least one degree of freedom) under every model of ``fits``."""
    defined = fits.pivot(index="galaxy", columns="model", values="reduced_chi2")
    return defined.dropna().index


def model_summary(fits: pd.DataFrame, galaxies: list[str] | None = None) -> pd.DataFrame:
    """Per (setting, model): counts, flags, and the headline statistics on the setting's common set.

    Medians, fractions and BIC wins are over the common set of galaxies (:func:`common_galaxies`),
    the same for every model of a setting; ``median_reduced_chi2_all_defined`` uses every galaxy
    where the model's reduced chi^2 is defined. ``bic_wins_pulled`` counts wins whose winning fit
    is ``pulled`` (distance or inclination beyond 3 sigma, or a mass-to-light ratio at its prior edge).
    """
    if galaxies is not None:
        fits = fits[fits["galaxy"].isin(galaxies)]
    rows = []
    for setting, per_setting in fits.groupby("setting"):
        common = common_galaxies(per_setting)
        on_common = per_setting[per_setting["galaxy"].isin(common)]
        winners = bic_preference(on_common).merge(on_common[["galaxy", "model", "pulled"]], on=["galaxy", "model"])
        for model, group in per_setting.groupby("model"):
            defined = group["reduced_chi2"].dropna().to_numpy()
            chi2_nu = on_common.loc[on_common["model"] == model, "reduced_chi2"].to_numpy()
            wins = winners[winners["model"] == model]
            rows.append({
                "setting": setting, "model": model, "n_galaxies": len(group),
                "n_failed": int((~np.isfinite(group["chi2"])).sum()),
                "n_converged": int((group["converged"] == 1).sum()),
                "n_at_bound": int((group["at_bound"] == 1).sum()),
                "n_halo_at_bound": int((group["halo_at_bound"] == 1).sum()),
                "n_common": len(common),
                "median_reduced_chi2": float(np.median(chi2_nu)) if len(chi2_nu) else math.nan,
                "fraction_below_1p5": float(np.mean(chi2_nu < 1.5)) if len(chi2_nu) else math.nan,
                "fraction_below_3": float(np.mean(chi2_nu < 3.0)) if len(chi2_nu) else math.nan,
                "bic_wins": len(wins),
                "bic_wins_pulled": int(wins["pulled"].sum()),
                "n_pulled": int(group["pulled"].sum()),
                "n_baryon_fraction_above_cosmic": int(group["baryon_fraction_above_cosmic"].sum()),
                "n_reduced_chi2_defined": len(defined),
                "median_reduced_chi2_all_defined": float(np.median(defined)) if len(defined) else math.nan,
                "median_fit_seconds": float(np.nanmedian(group["fit_seconds"])),
                "total_fit_seconds": float(np.nansum(group["fit_seconds"])),
            } | _posterior_counts(group))
    return pd.DataFrame(rows)


def fit_properties(parameters: pd.DataFrame, galaxy_table: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """Per (setting, model, galaxy): nuisance pulls, halo mass and concentration, baryon masses and flags.

    Pulls are (fitted - Table 1) / error for distance and inclination; ``upsilon_at_edge`` marks a
    mass-to-light ratio at its prior bound; ``pulled`` is either beyond 3 sigma or at the edge.
    Masses scale with the fitted distance squared; gas is 1.33 M_HI (helium included).
    """
    fitted = parameters[parameters["kind"] == "fit"]
    keys = ["setting", "model", "galaxy"]
    values = fitted.pivot_table(index=keys, columns="parameter", values="value", aggfunc="first")
    at_edge = fitted[fitted["parameter"].str.startswith("log10_upsilon")].groupby(keys)["at_bound"].any()
    derived = parameters[parameters["kind"] == "derived"].pivot_table(index=keys, columns="parameter",
                                                                      values="value", aggfunc="first")
    frame = pd.DataFrame(index=values.index.union(derived.index))
    table = galaxy_table.reindex(frame.index.get_level_values("galaxy"))

    def column(source: pd.DataFrame, name: str) -> np.ndarray:
        return (source[name].reindex(frame.index) if name in source else pd.Series(math.nan, frame.index)).to_numpy()

    distance = column(values, "distance_mpc")
    frame["distance_pull"] = (distance - table["distance_mpc"].to_numpy()) / table["distance_err_mpc"].to_numpy()
    frame["inclination_pull"] = ((column(values, "inclination_deg") - table["inclination_deg"].to_numpy())
                                 / table["inclination_err_deg"].to_numpy())
    frame["upsilon_at_edge"] = at_edge.reindex(frame.index).fillna(False).astype(bool).to_numpy()
    frame["pulled"] = ((np.abs(frame["distance_pull"]) > 3) | (np.abs(frame["inclination_pull"]) > 3)
                       | frame["upsilon_at_edge"])
    prior_upsilon = np.array([settings.get(s, {}).get("upsilon_disk", 0.5)
                              for s in frame.index.get_level_values("setting")])
    upsilon = np.where(np.isnan(column(values, "log10_upsilon_disk")), prior_upsilon,
                       10.0 ** column(values, "log10_upsilon_disk"))
    scale = np.where(np.isnan(distance), 1.0, distance / table["distance_mpc"].to_numpy()) ** 2
    frame["stellar_mass_msun"] = upsilon * table["luminosity_1e9lsun"].to_numpy() * 1e9 * scale
    frame["gas_mass_msun"] = 1.33 * table["mass_hi_1e9msun"].to_numpy() * 1e9 * scale
    frame["m200_msun"] = column(derived, "m200_msun")
    frame["log10_c200"] = column(values, "log10_c200")
    frame["baryon_fraction"] = (frame["stellar_mass_msun"] + frame["gas_mass_msun"]) / frame["m200_msun"]
    frame["baryon_fraction_above_cosmic"] = frame["baryon_fraction"] > COSMIC_BARYON_FRACTION
    return frame.reset_index()


def _posterior_counts(group: pd.DataFrame) -> dict:
    """Sampled posteriors of one (setting, model): how many, how many converged, their cost."""
    if "posterior_converged" not in group:
        return {"n_posterior": 0, "n_posterior_converged": 0, "total_posterior_seconds": 0.0}
    sampled = group["posterior_converged"].notna()
    return {"n_posterior": int(sampled.sum()), "n_posterior_converged": int((group["posterior_converged"] == 1).sum()),
            "total_posterior_seconds": float(np.nansum(group["posterior_seconds"]))}


def phi0_table(parameters: pd.DataFrame, galaxy_table: pd.DataFrame, fits: pd.DataFrame) -> pd.DataFrame:
    """phi0 per (setting, DARKexp model, galaxy): MAP, posterior percentiles, edge, Vflat and fit flags.

    ``phi0_edge`` is "lower" or "upper" when the fit sits at that edge of the template grid (the MAP
    at the bound, or the posterior piling up there): phi0 is then a limit, ``phi0_limit_value`` its
    one-sided 95 % bound where the posterior was sampled, and ``phi0_estimate`` is NaN. Otherwise
    ``phi0_estimate`` is the posterior median, or the MAP without a posterior.
    """
    phi0 = parameters[(parameters["parameter"] == "phi0") & (parameters["kind"] == "fit")]
    columns = {"value": "phi0", "error": "phi0_error", "at_bound": "phi0_at_bound", "lower": "phi0_grid_min",
               "upper": "phi0_grid_max", "median": "phi0_median", "p16": "phi0_p16", "p84": "phi0_p84",
               "limit": "phi0_limit", "limit_value": "phi0_limit_value"}
    phi0 = phi0[["setting", "model", "galaxy", *columns]].rename(columns=columns).reset_index(drop=True)
    middle = (phi0["phi0_grid_min"] + phi0["phi0_grid_max"]) / 2
    map_edge = np.where(phi0["phi0_at_bound"].astype(bool), np.where(phi0["phi0"] < middle, "lower", "upper"), "")
    posterior_edge = phi0["phi0_limit"].map({"upper": "lower", "lower": "upper"}).fillna("")
    phi0["phi0_edge"] = np.where(posterior_edge != "", posterior_edge, map_edge)
    best = phi0["phi0_median"].where(phi0["phi0_median"].notna(), phi0["phi0"])
    phi0["phi0_estimate"] = best.where(phi0["phi0_edge"] == "")
    flags = fits[["setting", "model", "galaxy", "reduced_chi2", "converged"]]
    phi0 = phi0.merge(flags, on=["setting", "model", "galaxy"], how="left")
    return phi0.merge(galaxy_table[["vflat_kms", "quality"]], left_on="galaxy", right_index=True, how="left")


def phi0_summary(phi0: pd.DataFrame) -> dict:
    """phi0 per setting/model: limits at each grid edge, the measured distribution, cored vs cuspy, Vflat.

    Quantiles and the rank correlation with Vflat use the measured fits only (not at an edge). Cored
    counts measured phi0 <= 2 plus lower-edge fits whose upper limit is <= 2 (or, without a posterior,
    whose grid floor is); cuspy counts measured phi0 > 2 plus upper-edge fits.
    """
    out = {}
    for (setting, model), group in phi0.groupby(["setting", "model"]):
        measured = group.dropna(subset=["phi0_estimate"])
        lower, upper = group[group["phi0_edge"] == "lower"], group[group["phi0_edge"] == "upper"]
        lower_bound = lower["phi0_limit_value"].fillna(lower["phi0_grid_min"])
        with_vflat = measured.dropna(subset=["vflat_kms"])
        rho, p_value = (spearmanr(with_vflat["phi0_estimate"], with_vflat["vflat_kms"]) if len(with_vflat) > 2
                        else (math.nan, math.nan))
        values = measured["phi0_estimate"].to_numpy()
        out[f"{setting}/{model}"] = {
            "n": len(group), "n_measured": len(measured),
            "n_at_lower_edge": len(lower), "n_at_upper_edge": len(upper),
            "grid": [float(group["phi0_grid_min"].min()), float(group["phi0_grid_max"].max())],
            "n_cored_phi0_le_2": int(np.sum(values <= CORED_PHI0) + np.sum(lower_bound <= CORED_PHI0)),
            "n_cuspy_phi0_gt_2": int(np.sum(values > CORED_PHI0) + len(upper)),
            "quantiles_measured": {q: float(np.quantile(values, float(q))) for q in QUANTILES} if len(values) else {},
            "vflat_spearman_rho": float(rho), "vflat_spearman_p": float(p_value), "n_with_vflat": len(with_vflat),
        }
    return out


def summarise(metrics: pd.DataFrame, parameters: pd.DataFrame, galaxy_table: pd.DataFrame,
              subsamples: dict[str, list[str]], settings: dict
              ) -> tuple[dict, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Headline numbers (for summary.json), the per-model table for every named sample, fit properties, phi0."""
    properties = fit_properties(parameters, galaxy_table, settings)
    flags = properties[["setting", "model", "galaxy", "pulled", "baryon_fraction_above_cosmic"]]
    fits = fit_table(metrics).merge(flags, on=["setting", "model", "galaxy"], how="left")
    for flag in ("pulled", "baryon_fraction_above_cosmic"):
        fits[flag] = fits[flag].astype("boolean").fillna(False).astype(bool)
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
            "n_common": int(group["n_common"].iloc[0]),
            "best_model": halos["model"].iloc[0] if len(halos) else None,
            "best_median_reduced_chi2": float(halos["median_reduced_chi2"].iloc[0]) if len(halos) else math.nan,
        } | {key: by_model[key].to_dict() for key in (
            "median_reduced_chi2", "fraction_below_1p5", "fraction_below_3", "bic_wins", "bic_wins_pulled",
            "n_pulled", "n_baryon_fraction_above_cosmic", "n_failed", "n_at_bound", "n_halo_at_bound",
            "median_reduced_chi2_all_defined", "median_fit_seconds", "n_posterior", "n_posterior_converged")}
        entry["n_not_converged"] = (by_model["n_galaxies"] - by_model["n_converged"]).to_dict()
        for name in subsamples:
            sub = table[(table["sample"] == name) & (table["setting"] == setting)].set_index("model")
            entry[f"median_reduced_chi2_{name}"] = sub["median_reduced_chi2"].to_dict()
            entry[f"n_common_{name}"] = int(sub["n_common"].max()) if len(sub) else 0
        summary["settings"][setting] = entry
    phi0 = phi0_table(parameters, galaxy_table, fits)
    if len(phi0):
        summary["phi0"] = phi0_summary(phi0)
    return summary, table, properties, phi0


def summarise_study(metrics_parquet, parameters_parquet, data_dir, out_summary, out_table, out_phi0,
                    out_properties, *, subsamples: dict, settings: dict) -> None:
    """summary.json (headline numbers), the per-model table, the DARKexp phi0 table and the fit properties."""
    metrics, parameters = read_metrics_table(metrics_parquet), read_parquet(parameters_parquet)
    galaxy_table = load_galaxy_table(data_dir)
    summary, table, properties, phi0 = summarise(metrics, parameters, galaxy_table, subsamples, settings)
    for setting, entry in summary["settings"].items():
        log.info("%s (%d galaxies in the common set): median reduced chi2 %s; BIC wins %s", setting,
                 entry["n_common"], {k: round(v, 3) for k, v in entry["median_reduced_chi2"].items()},
                 entry["bic_wins"])
    write_parquet(out_table, table)
    write_parquet(out_phi0, phi0)
    write_parquet(out_properties, properties)
    write_json(out_summary, summary)
