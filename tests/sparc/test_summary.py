"""Per-model summaries on a hand-made metrics table, and the configuration checks."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from physbench.sparc.summary import bic_preference, fit_properties, fit_table, model_summary
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
    bad["studies"]["sparc"]["models"]["darkexp"]["bounds"] = {"phi0": [0.5, 8.0]}
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
