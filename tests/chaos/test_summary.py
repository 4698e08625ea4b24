"""Per-system table, ranking and summary on a hand-made metrics table."""

import math

import numpy as np
import pandas as pd
import pytest

from physbench.chaos.summary import per_system_table, ranking, summary


def metrics_rows():
    rows = []
    vpts = {"good": [4.0, 6.0, 5.0], "bad": [0.1, 0.3, 0.2]}
    for model, values in vpts.items():
        for system, offset in (("A", 0.0), ("B", 1.0)):
            for fold, v in enumerate(values):
                rows.append({"setting": "multivariate", "unit": system, "model": model, "split": "test", "fold": fold,
                             "metric": "vpt", "value": v + offset, "note": None})
                rows.append({"setting": "multivariate", "unit": system, "model": model, "split": "test", "fold": fold,
                             "metric": "smape_2period", "value": 100 - 10 * v, "note": None})
            rows.append({"setting": "multivariate", "unit": system, "model": model, "split": "train", "fold": 0,
                         "metric": "fit_seconds", "value": 0.5, "note": "params {}"})
        for metric in ("vpt", "smape_2period"):
            rows.append({"setting": "multivariate", "unit": "Broken", "model": model, "split": "test", "fold": 0,
                         "metric": metric, "value": math.nan, "note": "integration failed: solver stopped early"})
    return pd.DataFrame(rows)


def systems_table():
    return pd.DataFrame({"system": ["A", "B", "Broken"], "lyapunov_max": [1.0, 0.5, math.nan], "period": [1.0] * 3,
                         "dimension": [3] * 3, "n_channels": [3, 3, 0], "status": ["ok", "ok", "failed"],
                         "reason": ["", "", "solver stopped early"], "horizon_lyapunov_times": [15.0, 15.0, math.nan],
                         "integration_seconds": [0.1, 0.2, 0.3]})


def test_per_system_medians_and_failures_kept():
    table = per_system_table(metrics_rows(), systems_table(), "smape_2period").set_index(["model", "system"])
    assert table.loc[("good", "A"), "vpt"] == pytest.approx(5.0)
    assert table.loc[("good", "B"), "vpt"] == pytest.approx(6.0)
    assert table.loc[("good", "A"), "smape"] == pytest.approx(50.0)
    assert np.isnan(table.loc[("good", "Broken"), "vpt"])
    assert "integration failed" in table.loc[("good", "Broken"), "note"]
    assert table.loc[("good", "A"), "note"] == ""  # selected parameters are not failure notes


def test_ranking_orders_by_median_vpt_and_summary_counts_failures():
    table = per_system_table(metrics_rows(), systems_table(), "smape_2period")
    rank = ranking(table, n_resamples=200, seed=0)
    assert list(rank["model"]) == ["good", "bad"]
    good = rank.iloc[0]
    assert good["median_vpt"] == pytest.approx(5.5) and good["n_systems"] == 2
    assert good["vpt_ci_low"] <= 5.5 <= good["vpt_ci_high"]
    out = summary(table, rank, systems_table(), "smape_2period")
    assert out["n_failed_systems"] == 1 and out["failed_systems"] == {"Broken": "solver stopped early"}
    assert out["best_model"]["multivariate"]["by_vpt"] == "good"
    assert out["best_model"]["multivariate"]["by_smape"] == "good"
