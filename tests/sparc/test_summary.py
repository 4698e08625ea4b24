"""Per-model summaries on a hand-made metrics table, and the configuration checks."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from physbench.sparc.summary import bic_preference, fit_properties, fit_table, model_summary, phi0_summary, phi0_table
from physbench.workflow import ConfigError, check_config

REPO = Path(__file__).resolve().parents[2]


def metrics_rows(values: dict) -> pd.DataFrame:
    rows = []
    for (model, galaxy), (chi2_nu, bic) in values.items():
        for metric, value in {"chi2": chi2_nu * 10, "reduced_chi2": chi2_nu, "bic": bic, "converged": 1.0,
                              "at_bound": 0.0, "halo_at_bound": 0.0, "fit_seconds": 0.1}.items():
            rows.append({"setting": "s", "model": model, "unit": galaxy, "metric": metric, "value": value,
                         "note": None})
    return pd.DataFrame(rows)


def test_a_reduced_chi2_without_degrees_of_freedom_is_undefined_and_says_why():
    from physbench.metrics import UNDEFINED
    from physbench.sparc.fitting import FitResult
    from physbench.sparc.steps import _metric_rows

    names = ["log10_v200_kms", "log10_c200", "log10_upsilon_disk", "distance_mpc", "inclination_deg"]
    fit = FitResult("g", "nfw", names, np.zeros(5), np.zeros(5), [(0.0, 1.0)] * 5, chi2=3.0, neg2_log_posterior=3.5,
                    n_points=4, converged=True, at_bound=["log10_c200"], fit_seconds=0.1,
                    message="at bound: log10_c200", n_halo=2)
    rows = {row["metric"]: row for row in _metric_rows(fit, {"unit": "g"}, 4, None)}
    assert np.isnan(rows["reduced_chi2"]["value"])
    assert rows["reduced_chi2"]["note"] == f"{UNDEFINED} reduced chi2 with 4 points <= 5 free parameters; at bound: " \
                                          "log10_c200"
    assert rows["chi2"]["value"] == 3.0 and rows["chi2"]["note"] == "at bound: log10_c200"
    # A fit that failed: every value but n_points is missing, and none of them is "undefined".
    failed = {row["metric"]: row for row in _metric_rows(None, {"unit": "g"}, 4, "boom")}
    assert np.isnan(failed["reduced_chi2"]["value"]) and failed["reduced_chi2"]["note"] == "fit failed: boom"


def test_model_summary_on_the_common_set_with_flags():
    values = {("nfw", "a"): (4.0, 50.0), ("nfw", "b"): (2.0, 20.0), ("nfw", "c"): (1.0, 12.0),
              ("burkert", "a"): (1.2, 30.0), ("burkert", "b"): (np.nan, 25.0), ("burkert", "c"): (0.9, 11.0)}
    fits = fit_table(metrics_rows(values))
    fits["pulled"] = (fits["model"] == "burkert") & (fits["galaxy"] == "c")
    fits["baryon_fraction_above_cosmic"] = fits["galaxy"] == "a"
    table = model_summary(fits).set_index("model")
    # Headline statistics on the common set: galaxies a and c (b has no degree of freedom under burkert).
    assert (table["n_common"] == 2).all()
    assert table.loc["nfw", "median_reduced_chi2"] == pytest.approx(2.5)
    assert table.loc["burkert", "median_reduced_chi2"] == pytest.approx(1.05)
    assert table.loc["nfw", "fraction_below_1p5"] == pytest.approx(0.5)
    assert table.loc["nfw", "fraction_below_3"] == pytest.approx(0.5)
    assert table.loc["burkert", "bic_wins"] == 2 and table.loc["nfw", "bic_wins"] == 0
    assert table.loc["burkert", "bic_wins_pulled"] == 1 and table.loc["burkert", "n_pulled"] == 1
    assert table.loc["nfw", "n_baryon_fraction_above_cosmic"] == 1
    # Every galaxy where the model's own reduced chi^2 is defined.
    assert table.loc["nfw", "median_reduced_chi2_all_defined"] == 2.0
    assert table.loc["burkert", "n_reduced_chi2_defined"] == 2
    best = bic_preference(fits).set_index("galaxy")["model"]
    assert best.to_dict() == {"a": "burkert", "b": "nfw", "c": "burkert"}


def test_fit_properties_pulls_masses_and_baryon_fraction():
    galaxy_table = pd.DataFrame({"distance_mpc": [10.0], "distance_err_mpc": [1.0], "inclination_deg": [60.0],
                                 "inclination_err_deg": [5.0], "luminosity_1e9lsun": [2.0],
                                 "mass_hi_1e9msun": [1.0]}, index=pd.Index(["g"], name="galaxy"))
    rows = [("log10_v200_kms", "fit", 2.0, False), ("log10_c200", "fit", 1.0, False),
            ("log10_upsilon_disk", "fit", np.log10(0.5), True), ("distance_mpc", "fit", 14.0, False),
            ("inclination_deg", "fit", 62.0, False), ("m200_msun", "derived", 1e10, False)]
    parameters = pd.DataFrame([{"setting": "s", "model": "nfw", "galaxy": "g", "parameter": p, "kind": k,
                                "value": v, "at_bound": b} for p, k, v, b in rows])
    properties = fit_properties(parameters, galaxy_table, {"s": {}}).iloc[0]
    assert properties["distance_pull"] == pytest.approx(4.0)
    assert properties["inclination_pull"] == pytest.approx(0.4)
    assert properties["upsilon_at_edge"] and properties["pulled"]
    scale = 1.4**2
    assert properties["stellar_mass_msun"] == pytest.approx(0.5 * 2e9 * scale)
    assert properties["gas_mass_msun"] == pytest.approx(1.33e9 * scale)
    assert properties["baryon_fraction"] == pytest.approx((1e9 + 1.33e9) * scale / 1e10)
    assert properties["baryon_fraction_above_cosmic"]
    assert properties["log10_c200"] == 1.0


@pytest.fixture()
def config():
    return yaml.safe_load((REPO / "config.yaml").read_text())


def test_config_checks(config):
    check_config(config)
    bad = copy.deepcopy(config)
    bad["studies"]["sparc"]["models"]["nfw"]["bounds"] = {"log10_rho0": [1, 2]}
    with pytest.raises(ConfigError, match=r"studies.sparc.models.nfw.bounds: unknown parameter"):
        check_config(bad)
    bad = copy.deepcopy(config)
    bad["studies"]["sparc"]["models"]["darkexp"]["bounds"] = {"phi0": [0.05, 8.0]}
    with pytest.raises(ConfigError, match=r"exceeds the template grid"):
        check_config(bad)
    bad = copy.deepcopy(config)
    bad["studies"]["sparc"]["figures"]["setting"] = "flat"
    with pytest.raises(ConfigError, match=r"studies.sparc.figures.setting 'flat'"):
        check_config(bad)
    bad = copy.deepcopy(config)
    bad["studies"]["sparc"]["templates"] = {"phi0_min": 1.0, "phi0_max": 2.0, "phi0_step": 0.5}
    with pytest.raises(ConfigError, match=r"fewer than 4 phi0 values"):
        check_config(bad)


def test_phi0_at_a_grid_edge_is_a_limit_not_a_value():
    rows = [  # galaxy, MAP, MAP at bound, posterior median, limit, limit value
        ("measured", 3.0, False, 3.1, "", np.nan),
        ("floor_map", 0.1, True, np.nan, "", np.nan),  # no posterior: the MAP alone says "at the floor"
        ("floor", 0.3, False, 0.6, "upper", 1.4),  # the posterior piles up at the floor
        ("ceiling", 11.0, False, 11.5, "lower", 9.0),
    ]
    parameters = pd.DataFrame([{"setting": "s", "model": "darkexp", "galaxy": g, "parameter": "phi0", "kind": "fit",
                                "value": v, "error": np.nan, "lower": 0.1, "upper": 12.1, "at_bound": b,
                                "p16": np.nan, "median": m, "p84": np.nan, "limit": lim, "limit_value": lv}
                               for g, v, b, m, lim, lv in rows])
    galaxy_table = pd.DataFrame({"vflat_kms": [100.0] * 4, "quality": [1] * 4},
                                index=pd.Index([r[0] for r in rows], name="galaxy"))
    fits = pd.DataFrame({"setting": "s", "model": "darkexp", "galaxy": [r[0] for r in rows], "reduced_chi2": 1.0,
                         "converged": 1.0})
    table = phi0_table(parameters, galaxy_table, fits).set_index("galaxy")
    assert table["phi0_edge"].to_dict() == {"measured": "", "floor_map": "lower", "floor": "lower", "ceiling": "upper"}
    assert table.loc["measured", "phi0_estimate"] == 3.1 and table["phi0_estimate"].isna().sum() == 3
    summary = phi0_summary(table.reset_index())["s/darkexp"]
    assert (summary["n_measured"], summary["n_at_lower_edge"], summary["n_at_upper_edge"]) == (1, 2, 1)
    # Cored: both floor fits (upper limits 0.1 and 1.4 <= 2); cuspy: the measured 3.1 and the ceiling.
    assert summary["n_cored_phi0_le_2"] == 2 and summary["n_cuspy_phi0_gt_2"] == 2
    assert summary["quantiles_measured"]["0.5"] == 3.1
