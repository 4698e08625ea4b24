"""Figures of the SPARC study: rotation-curve fits, BIC preference, reduced chi^2 and phi0 distributions."""

from __future__ import annotations

import logging
import math

import matplotlib.ticker
import numpy as np
import pandas as pd

from physbench.io import read_parquet, save_figure
from physbench.metrics import read_metrics as read_metrics_table
from physbench.plotting import plt, save_gallery
from physbench.sparc import lcdm
from physbench.sparc.darkexp import DarkexpTemplates
from physbench.sparc.data import load_galaxy_table
from physbench.sparc.fitting import RotationCurveFit
from physbench.sparc.steps import load_galaxy, make_fitter
from physbench.sparc.summary import CORED_PHI0, fit_table

log = logging.getLogger(__name__)

MODEL_COLOURS = {"baryons": "0.45", "nfw": "tab:red", "burkert": "tab:blue", "pseudo_isothermal": "tab:cyan",
                 "einasto": "tab:orange", "darkexp": "tab:green", "dc14": "tab:purple", "core_nfw": "tab:pink",
                 "lucky13": "tab:brown"}


def colour(model: str, index: int) -> str:
    return MODEL_COLOURS.get(model, f"C{index % 10}")


def _panel(ax, curves: dict[str, tuple[RotationCurveFit, pd.DataFrame]], galaxy: str, detail: bool) -> None:
    """Data with error bars, each model's total curve, and (``detail``: with a legend) the baryonic
    components of the best model; without ``detail``, a small panel without legend.

    Each model fits its own mass-to-light ratios, distance and inclination, so the gas, disk and
    bulge curves drawn (in detail panels) are those of the model with the lowest BIC, named in the legend.
    """
    whose = min(curves, key=lambda model: np.nan_to_num(curves[model][0].result_.bic, nan=math.inf))
    fit, points = curves[whose]
    ax.errorbar(points["radius_kpc"], points["vobs_kms"], yerr=points["verr_kms"], fmt="o", ms=2.5 if detail else 1.2,
                color="k", elinewidth=0.6, zorder=5, label="data")
    radius = np.linspace(points["radius_kpc"].min(), points["radius_kpc"].max(), 120)
    if detail:
        smooth = fit.predict(radius)
        components = (("vgas_kms", ":", "gas"), ("vdisk_kms", "--", "disk"), ("vbul_kms", "-.", "bulge"))
        for column, style, label in components:
            if np.any(smooth[column] != 0):
                ax.plot(radius, smooth[column], style, color="0.5", lw=0.9, label=f"{label} ({whose})")
    for i, (model, (fit, _)) in enumerate(curves.items()):
        smooth = fit.predict(radius)
        ax.plot(radius, smooth["vmodel_kms"], color=colour(model, i), lw=1.2 if detail else 0.7,
                label=f"{model} ({fit.result_.reduced_chi2:.2f})" if detail else model)
    ax.set_title(galaxy, fontsize=9, pad=2)
    if detail:
        ax.set_xlabel("R [kpc]")
        ax.set_ylabel("V [km/s]")
        ax.legend(fontsize=6, loc="best", title="model (chi2_nu)", title_fontsize=6)
    else:
        ax.tick_params(labelsize=7, length=2, pad=1)
        ax.set_xlabel("R [kpc]", fontsize=7, labelpad=1)
        ax.set_ylabel("V [km/s]", fontsize=7, labelpad=1)


def rotation_curves(fits: dict[str, dict[str, RotationCurveFit]], galaxies: list[str], path) -> None:
    """Grid of rotation-curve panels with legends: ``fits[galaxy][model]`` with adopted parameters."""
    n = len(galaxies)
    columns = min(3, max(n, 1))
    rows = max(math.ceil(n / columns), 1)
    fig, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 3.2 * rows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    for ax, galaxy in zip(axes.flat, galaxies):
        curves = {model: (fit, fit.predict()) for model, fit in fits[galaxy].items()}
        _panel(ax, curves, galaxy, detail=True)
    fig.tight_layout()
    save_figure(fig, path, dpi=110)


def galaxy_gallery(fits: dict[str, dict[str, RotationCurveFit]], directory, manifest, dpi: int = 70) -> None:
    """One small PNG per galaxy, ``<directory>/<galaxy>.png`` (3 x 2.2 inches at ``dpi``), listed in
    ``manifest`` (:func:`physbench.plotting.save_gallery`): data and each model's total curve, coloured as
    in the rotation-curve figure, for the report's galaxy gallery."""

    def figures():
        for galaxy, by_model in fits.items():
            fig, ax = plt.subplots(figsize=(3, 2.2))
            _panel(ax, {model: (fit, fit.predict()) for model, fit in by_model.items()}, galaxy, detail=False)
            yield galaxy, fig

    save_gallery(figures(), directory, manifest, "galaxy", dpi=dpi)


def bic_preference(table: pd.DataFrame, path) -> None:
    """Bar chart: number of galaxies for which each model has the lowest BIC (per setting)."""
    data = table[table["sample"] == "all"].pivot(index="model", columns="setting", values="bic_wins").fillna(0)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    data.plot.bar(ax=ax, rot=30)
    ax.set_ylabel("galaxies preferred by BIC")
    ax.set_xlabel("")
    ax.set_title("Model preferred by BIC")
    fig.tight_layout()
    save_figure(fig, path)


def reduced_chi2_cdf(fits: pd.DataFrame, path) -> None:
    """Cumulative distribution of reduced chi^2 for each model (first setting's line style solid)."""
    fig, ax = plt.subplots(figsize=(6, 4))
    for j, (setting, per_setting) in enumerate(fits.groupby("setting")):
        for i, (model, group) in enumerate(per_setting.groupby("model")):
            values = np.sort(group["reduced_chi2"].dropna().to_numpy())
            if len(values):
                ax.step(values, np.arange(1, len(values) + 1) / len(values), where="post", color=colour(model, i),
                        ls=["-", "--", ":", "-."][j % 4], label=f"{model} [{setting}]")
    ax.set_xscale("log")
    ax.axvline(1.0, color="k", lw=0.6)
    ax.set_xlabel("reduced chi2")
    ax.set_ylabel("fraction of galaxies")
    ax.legend(fontsize=7)
    fig.tight_layout()
    save_figure(fig, path)


def phi0_distribution(phi0: pd.DataFrame, path, cored_phi0: float) -> None:
    """Measured phi0 (histogram, left; against Vflat, right) with the fits at a grid edge as limits.

    Left: histogram of the measured phi0 (posterior medians), with the number of fits at each edge
    of the template grid in the legend. Right: measured phi0 against Vflat with 16-84 %
    error bars; fits at an edge as triangles at their one-sided 95 % limit (pointing down: upper limit).
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    low, high = float(phi0["phi0_grid_min"].min()), float(phi0["phi0_grid_max"].max())
    bins = np.linspace(low, high, 31)
    for i, ((setting, model), group) in enumerate(phi0.groupby(["setting", "model"])):
        label = f"{model} [{setting}]"
        measured = group.dropna(subset=["phi0_estimate"])
        n_lower, n_upper = (int((group["phi0_edge"] == edge).sum()) for edge in ("lower", "upper"))
        left.hist(measured["phi0_estimate"], bins=bins, histtype="step", lw=1.5, color=f"C{i}",
                  label=f"{label}: {len(measured)} measured, {n_lower} at floor, {n_upper} at ceiling")
        estimate = measured["phi0_estimate"]
        err = np.vstack([estimate - measured["phi0_p16"], measured["phi0_p84"] - estimate])
        right.errorbar(measured["vflat_kms"], measured["phi0_estimate"], yerr=np.where(np.isfinite(err), err, 0.0),
                       fmt="o", ms=3, lw=0.6, color=f"C{i}", label=f"{label}, measured")
        for edge, marker, name in (("lower", "v", "upper limit (at the grid floor)"),
                                   ("upper", "^", "lower limit (at the grid ceiling)")):
            at_edge = group[group["phi0_edge"] == edge]
            bound = at_edge["phi0_limit_value"].fillna(at_edge["phi0_grid_min" if edge == "lower" else "phi0_grid_max"])
            right.scatter(at_edge["vflat_kms"], bound, marker=marker, s=18, facecolors="none", edgecolors=f"C{i}",
                          label=f"{label}, {name}")
    for ax_line in (left.axvline, right.axhline):
        ax_line(cored_phi0, color="k", ls="--", lw=0.8)
    left.set_xlim(low, high)
    left.set_xlabel("phi0 (posterior median)")
    left.set_ylabel("galaxies")
    left.set_title(f"measured phi0; grid {low:g}-{high:g}; cored at phi0 <= {cored_phi0:g}", fontsize=9)
    right.set_xscale("log")
    right.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    right.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    right.set_xticks([20, 50, 100, 200, 300])
    right.set_xlabel("Vflat [km/s]")
    right.set_ylabel("phi0")
    right.set_title("phi0 vs Vflat (limits: triangles)", fontsize=9)
    left.legend(fontsize=6)
    right.legend(fontsize=6)
    fig.tight_layout()
    save_figure(fig, path)


def lcdm_planes(properties: pd.DataFrame, path, hubble_kms_mpc: float) -> None:
    """c200-M200 against Dutton & Maccio (2014) and M_star-M200 against Moster et al. (2013), per setting.

    One row of panels per prior setting; halos whose baryon fraction exceeds the cosmic one are
    drawn as open symbols.
    """
    halos = properties.dropna(subset=["m200_msun", "log10_c200"])
    settings = sorted(halos["setting"].unique()) or ["(no halo with M200 and c200)"]
    fig, axes = plt.subplots(len(settings), 2, figsize=(10, 3.8 * len(settings)), squeeze=False)
    masses = np.geomspace(1e9, 1e14, 100)
    for row, setting in zip(axes, settings):
        concentration, stars = row
        for i, (model, group) in enumerate(halos[halos["setting"] == setting].groupby("model")):
            above = group["baryon_fraction_above_cosmic"].astype(bool)
            for ax, y in ((concentration, 10.0 ** group["log10_c200"]), (stars, group["stellar_mass_msun"])):
                ax.scatter(group.loc[~above, "m200_msun"], y[~above], s=9, color=colour(model, i), label=model)
                ax.scatter(group.loc[above, "m200_msun"], y[above], s=9, facecolors="none",
                           edgecolors=colour(model, i))
        relation = 10.0 ** lcdm.log10_c200(masses, hubble_kms_mpc)
        concentration.plot(masses, relation, "k-", lw=1, label="Dutton & Maccio 2014")
        concentration.fill_between(masses, relation / 10**0.11, relation * 10**0.11, color="0.85", zorder=0)
        shm = 10.0 ** lcdm.log10_stellar_mass(masses)
        stars.plot(masses, shm, "k-", lw=1, label="Moster et al. 2013")
        stars.fill_between(masses, shm / 10**0.15, shm * 10**0.15, color="0.85", zorder=0)
        stars.plot(masses, lcdm.COSMIC_BARYON_FRACTION * masses, "k:", lw=1, label="cosmic baryon fraction")
        for ax, ylabel in ((concentration, "c200"), (stars, "M_star [M_sun]")):
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlim(masses[0], masses[-1])
            ax.set_xlabel("M200 [M_sun]")
            ax.set_ylabel(ylabel)
            ax.set_title(f"{setting}: {ylabel} vs M200 (open: baryon fraction > cosmic)", fontsize=9)
            ax.legend(fontsize=6)
    fig.tight_layout()
    save_figure(fig, path)


def _adopted_fits(parameters: pd.DataFrame, data_dir, table: pd.DataFrame, setting_name: str, params: dict,
                  templates: DarkexpTemplates | None) -> dict[str, dict[str, RotationCurveFit]]:
    """fits[galaxy][model] rebuilt from the parameters table (no refitting)."""
    chosen = parameters[(parameters["setting"] == setting_name) & (parameters["kind"] == "fit")]
    fits: dict[str, dict[str, RotationCurveFit]] = {}
    galaxies = sorted(set(parameters.loc[parameters["setting"] == setting_name, "galaxy"]), key=list(table.index).index)
    for name in galaxies:
        galaxy = load_galaxy(data_dir, table, name)
        fits[name] = {}
        for model_name in params["settings"][setting_name].get("models") or params["models"]:
            model = params["models"][model_name]
            values = chosen[(chosen["galaxy"] == name) & (chosen["model"] == model_name)]
            fitter = make_fitter(model, params["settings"][setting_name], {}, templates, params["hubble_kms_mpc"],
                                 model_name)
            try:
                fits[name][model_name] = fitter.use_parameters(galaxy, dict(zip(values["parameter"], values["value"])))
            except KeyError as err:
                log.warning("%s / %s not drawn: %s", name, model_name, err)
    return fits


def plot_study(metrics_parquet, parameters_parquet, table_parquet, phi0_parquet, properties_parquet,
               templates_parquet, data_dir, outputs: dict, *, params: dict) -> None:
    """The study's figures (named-galaxy fits, one small figure per galaxy, BIC preference, chi2 CDF, phi0,
    LambdaCDM planes)."""
    metrics, parameters = read_metrics_table(metrics_parquet), read_parquet(parameters_parquet)
    galaxy_table = load_galaxy_table(data_dir)
    templates = DarkexpTemplates(read_parquet(templates_parquet))
    setting = params["figures"].get("setting") or next(iter(params["settings"]))
    fits = _adopted_fits(parameters, data_dir, galaxy_table, setting, params, templates)
    named = [g for g in params["figures"].get("galaxies", []) if g in fits]
    rotation_curves(fits, named or list(fits)[:6], outputs["named"])
    galaxy_gallery(fits, outputs["gallery"], outputs["gallery_manifest"])
    bic_preference(read_parquet(table_parquet), outputs["bic"])
    reduced_chi2_cdf(fit_table(metrics), outputs["chi2"])
    phi0_distribution(read_parquet(phi0_parquet), outputs["phi0"], CORED_PHI0)
    lcdm_planes(read_parquet(properties_parquet), outputs["lcdm"], params["hubble_kms_mpc"])
    log.info("figures for %d galaxies (%d named) of setting %s", len(fits), len(named), setting)
