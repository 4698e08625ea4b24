"""The quick configuration's SPARC part: aggregated metrics, parameters, summary and figures."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from physbench.metrics import read_metrics

pytestmark = pytest.mark.workflow  # runs Snakemake, git or DVC: not in the fast tier

MODELS = {"baryons", "nfw", "burkert", "pseudo_isothermal", "einasto", "dc14", "core_nfw", "lucky13", "darkexp"}
LCDM_MODELS = {"nfw", "einasto", "dc14", "core_nfw", "lucky13"}  # the lcdm setting: halos with V200 and c200
GALAXIES = {"DDO154", "NGC2403", "NGC3198", "NGC7814", "CamB"}


@pytest.fixture(scope="module")
def results(quick_run):
    return quick_run / "results-quick" / "sparc"


def test_aggregated_metrics(results):
    metrics = read_metrics(results / "metrics.parquet")
    assert set(metrics["study"]) == {"sparc"}
    assert set(metrics["model"]) == MODELS
    assert set(metrics["unit"]) == GALAXIES
    assert set(metrics["split"]) == {"all"} and set(metrics["fold"]) == {0}
    fit_metrics = {"chi2", "reduced_chi2", "aic", "bic", "neg2_log_posterior", "n_points", "n_free", "converged",
                   "at_bound", "halo_at_bound", "fit_seconds"}
    posterior_metrics = {"posterior_converged", "posterior_acceptance", "posterior_tau_max",
                         "posterior_effective_samples", "posterior_steps", "posterior_seconds"}
    parameters = pd.read_parquet(results / "parameters.parquet")
    percentiles = {f"{name}_p{level}" for name in parameters["parameter"][parameters["kind"] == "fit"]
                   for level in (16, 50, 84)}
    assert set(metrics["metric"]) == fit_metrics | posterior_metrics | percentiles
    # Every (galaxy, model) fitted: no fit failed, chi2 finite everywhere.
    chi2 = metrics[metrics["metric"] == "chi2"]
    assert len(chi2) == len(GALAXIES) * (len(MODELS) + len(LCDM_MODELS))
    assert set(chi2.loc[chi2["setting"] == "lcdm", "model"]) == LCDM_MODELS
    assert np.isfinite(chi2["value"]).all()
    wide = metrics.pivot_table(index=["setting", "model", "unit"], columns="metric", values="value")
    assert (wide.loc[wide["n_points"] > wide["n_free"], "reduced_chi2"].notna()).all()
    assert wide.xs("NGC2403", level="unit")["n_points"].eq(73).all()
    # A halo always beats baryons alone on DDO154 (dark-matter dominated dwarf).
    ddo154 = wide.xs("DDO154", level="unit").xs("li2020", level="setting")["chi2"]
    assert ddo154.drop("baryons").max() < ddo154["baryons"]


def test_parameters_and_templates(results):
    parameters = pd.read_parquet(results / "parameters.parquet")
    phi0 = parameters[(parameters["model"] == "darkexp") & (parameters["parameter"] == "phi0")]
    assert set(phi0["galaxy"]) == GALAXIES
    assert phi0["value"].between(0.1, 12.1).all()
    templates = pd.read_parquet(results / "darkexp_templates.parquet")
    assert np.allclose(sorted(templates["phi0"].unique()), np.arange(0.1, 12.2, 1.0))


def test_summary_and_figures(results):
    summary = json.loads((results / "summary.json").read_text())
    assert summary["n_galaxies"] == len(GALAXIES)
    entry = summary["settings"]["li2020"]
    assert set(entry["median_reduced_chi2"]) == MODELS
    assert sum(entry["bic_wins"].values()) == len(GALAXIES)
    assert entry["best_model"] in MODELS - {"baryons"}
    phi0 = summary["phi0"]["li2020/darkexp"]
    assert phi0["grid"] == [0.1, 12.1]
    assert phi0["n_measured"] + phi0["n_at_lower_edge"] + phi0["n_at_upper_edge"] == phi0["n"] == len(GALAXIES)
    assert phi0["n_cored_phi0_le_2"] + phi0["n_cuspy_phi0_gt_2"] <= phi0["n"]
    # Headline statistics on one common set per setting; flags counted.
    for setting, models in (("li2020", MODELS), ("lcdm", LCDM_MODELS)):
        entry = summary["settings"][setting]
        assert 1 <= entry["n_common"] <= len(GALAXIES)
        assert set(entry["bic_wins"]) == models and sum(entry["bic_wins"].values()) == entry["n_common"]
        assert all(entry["bic_wins_pulled"][m] <= entry["bic_wins"][m] for m in models)
        assert set(entry["n_pulled"]) == set(entry["n_baryon_fraction_above_cosmic"]) == models
    table = pd.read_parquet(results / "summary.parquet")
    assert set(table["sample"]) == {"all", "quality", "vlast_20_200"}
    properties = pd.read_parquet(results / "fit_properties.parquet")
    lcdm_halos = properties[properties["model"].isin(LCDM_MODELS)]
    assert lcdm_halos[["m200_msun", "log10_c200", "stellar_mass_msun", "baryon_fraction"]].notna().all().all()
    for name in ("rotation_curves", "bic_preference", "reduced_chi2_cdf", "phi0", "lcdm_planes"):
        assert (results / "figures" / f"{name}.png").stat().st_size > 5000
    assert {p.stem for p in (results / "figures/galaxies").glob("*.png")} == set(GALAXIES)


def test_posteriors_of_every_fit(results):
    """Every fit with a free parameter is sampled; summaries, limits and the samples are kept."""
    parameters = pd.read_parquet(results / "parameters.parquet")
    fitted = parameters[parameters["kind"] == "fit"]
    assert set(fitted["model"]) == MODELS
    assert fitted[["p16", "median", "p84"]].notna().all().all()
    assert (fitted["p16"] <= fitted["median"]).all() and (fitted["median"] <= fitted["p84"]).all()
    assert set(fitted["limit"]) <= {"", "upper", "lower"}
    limited = fitted[fitted["limit"] != ""]
    assert limited["limit_value"].between(limited["lower"], limited["upper"]).all()
    samples = pd.read_parquet(results / "posterior_samples.parquet")
    per_fit = samples.groupby(["setting", "model", "galaxy"]).size()
    assert len(per_fit) == fitted.groupby(["setting", "model", "galaxy"]).ngroups
    assert per_fit.between(300, 400).all()
    for (setting, model, galaxy), group in fitted.groupby(["setting", "model", "galaxy"]):
        rows = (samples["setting"] == setting) & (samples["model"] == model) & (samples["galaxy"] == galaxy)
        chain = samples.loc[rows, group["parameter"]]
        assert chain.notna().all().all()
        assert np.allclose(chain.median().to_numpy(), group["median"].to_numpy(), atol=1e-12)
    summary = json.loads((results / "summary.json").read_text())["settings"]["li2020"]
    assert summary["n_posterior"]["nfw"] == len(GALAXIES)
    assert summary["n_posterior_converged"]["nfw"] >= len(GALAXIES) - 1
