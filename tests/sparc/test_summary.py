"""Per-model summaries on a hand-made metrics table, and the configuration checks."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from physbench.sparc.summary import bic_preference, fit_table, model_summary
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


def test_model_summary_medians_fractions_and_bic_wins():
    values = {("nfw", "a"): (4.0, 50.0), ("nfw", "b"): (2.0, 20.0), ("nfw", "c"): (1.0, 12.0),
              ("burkert", "a"): (1.2, 30.0), ("burkert", "b"): (np.nan, 25.0), ("burkert", "c"): (0.9, 11.0)}
    fits = fit_table(metrics_rows(values))
    table = model_summary(fits).set_index("model")
    assert table.loc["nfw", "median_reduced_chi2"] == 2.0
    assert table.loc["burkert", "median_reduced_chi2"] == pytest.approx(1.05)
    assert table.loc["burkert", "n_reduced_chi2_defined"] == 2
    # Common subset: galaxies a and c only.
    assert table.loc["nfw", "median_reduced_chi2_common"] == pytest.approx(2.5)
    assert table.loc["nfw", "fraction_below_1p5"] == pytest.approx(1 / 3)
    assert table.loc["nfw", "fraction_below_3"] == pytest.approx(2 / 3)
    assert table.loc["burkert", "bic_wins"] == 2 and table.loc["nfw", "bic_wins"] == 1
    best = bic_preference(fits).set_index("galaxy")["model"]
    assert best.to_dict() == {"a": "burkert", "b": "nfw", "c": "burkert"}


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
