"""Running forecasters by the protocol: selection on the train series only, clip fallback, the leaderboard."""

import json

import numpy as np
import pandas as pd
import pytest

from physbench.chaos.forecasters import grid_candidates
from physbench.dysts_benchmark import leaderboard, protocol, run
from physbench.dysts_benchmark.data import PublishedModel, PublishedSystem


def sine(n=120, phase=0.0, offset=3.0):
    return offset + np.sin(2 * np.pi * np.arange(n) / 20 + phase)


def test_forecast_works_in_series_units_and_linear_ar_continues_a_sine():
    series = sine()
    fit, future, scored = protocol.split(series)
    pred, fit_s, forecast_s = run.forecast("linear_ar", {"lags": 3, "alpha": 1e-12}, fit, len(future))
    np.testing.assert_allclose(pred, future, atol=1e-6)
    assert protocol.scores(scored, pred)["smape"] < 1e-4 and fit_s >= 0 and forecast_s >= 0


def test_selection_uses_only_the_train_series(monkeypatch):
    fitted, scaled = [], []
    make, scale = run.make_forecaster, run._scale

    def spy_make(kind, params):
        fitted.append(params["lags"])
        return make(kind, params)

    def spy_scale(fit):
        scaled.append(fit[0])
        return scale(fit)

    monkeypatch.setattr(run, "make_forecaster", spy_make)
    monkeypatch.setattr(run, "_scale", spy_scale)
    train, test = sine(offset=3.0), sine(offset=5.0)
    spec = {"forecaster": "linear_ar", "params": {"alpha": 1e-12}, "grid": {"lags": [1, 3]}}
    row = run.run_system("S", "linear_ar", spec, train, test)
    assert fitted == [1, 3, 3]  # both candidates on the train series, then the chosen one on the test series
    first_test = scaled.index(test[0])  # the test series is standardised only after selection ended
    assert first_test > 0 and set(scaled[:first_test]) == {train[0]} and set(scaled[first_test:]) == {test[0]}
    assert json.loads(row["params"])["lags"] == 3 and row["smape"] < 1e-4 and not row["diverged"]


def test_free_run_origins_spread_over_the_fit_segment():
    assert run._origins(1000, 100, 4) == [280, 460, 640, 820, 1000]
    assert run._origins(1000, 100, 0) == [1000] and run._origins(50, 100, 4) == [50]


def test_diverging_forecast_falls_back():
    grow = 1.0 + np.exp(0.01 * np.arange(120))  # an exponential, learned exactly, leaves +-10 sd when iterated
    spec = {"forecaster": "linear_ar", "params": {"lags": 1, "alpha": 1e-12}}
    row = run.run_system("S", "linear_ar", spec, grow, grow, run.Stability(clip_sd=0.5))
    assert row["diverged"] and row["fallback"] and json.loads(row["params"]) == {"fallback": "mean"}
    assert not row["hit_clip"]  # the scored forecast (the mean) stays inside the bound
    ranked = run.rank_candidates("linear_ar", grid_candidates({**spec, "grid": {"lags": [1, 2]}}), grow,
                                 run.Stability(clip_sd=0.5))
    assert ranked == []


def test_run_model_needs_train_series_and_names_rows():
    with pytest.raises(KeyError, match="not in the train file"):
        run.run_model("ar", {"forecaster": "linear_ar"}, {}, {"S": sine()})
    rows = run.run_model("ar", {"forecaster": "linear_ar", "params": {"lags": 3}}, {"S": sine()}, {"S": sine()})
    assert list(rows.columns) == [*run.COLUMNS, "forecast"] and rows.loc[0, "model"] == "ar"
    forecasts = run.forecast_frame(rows)
    assert len(forecasts) == len(protocol.split(sine())[2]) and set(forecasts["system"]) == {"S"}
    assert rows.loc[0, "source"] == "physbench" and run.total_seconds(rows) >= 0


def test_leaderboard_counts_wins_and_pairs_systems():
    rng = np.random.default_rng(0)
    systems = [f"S{i}" for i in range(30)]
    theirs = rng.uniform(50, 150, 30)
    reference = {s: PublishedSystem(np.ones(2), {"NBEATSModel": PublishedModel(np.ones(2), {"smape": v, "mae": 1.0,
                                                                                            "mse": 1.0})})
                 for s, v in zip(systems, theirs)}
    ours = pd.DataFrame({"system": systems + ["Extra"], "model": "good", "source": "physbench",
                         "smape": np.r_[theirs - 10 * (np.arange(30) < 25) + 5 * (np.arange(30) >= 25), 0.0],
                         "mae": 1.0, "mse": 1.0, "fit_seconds": 0.1, "forecast_seconds": 0.2, "select_seconds": 0.0,
                         "diverged": False, "fallback": False, "hit_clip": False,
                         "params": "{}"})
    table = leaderboard.per_system_table([ours], reference)
    assert len(table) == 61 and set(table["source"]) == {"physbench", "published"}
    result = leaderboard.compare(table, "good", "NBEATSModel")
    assert (result["n_systems"], result["wins"], result["losses"]) == (30, 25, 5) and result["wilcoxon_p"] < 1e-3
    summary = leaderboard.medians(table, n_resamples=200).set_index("model")
    assert summary.loc["good", "n_systems"] == 30  # the extra system is not in the published rows
    assert summary.loc["good", "median_smape"] == pytest.approx(np.median(ours["smape"][:30]))
    good = summary.loc["good"]
    assert good["smape_ci_low"] <= good["median_smape"] <= good["smape_ci_high"]
    assert summary.loc["good", "total_cpu_seconds"] == pytest.approx(30 * 0.3)
    assert len(leaderboard.comparisons(table)) == 1
    with pytest.raises(ValueError, match="duplicate"):
        leaderboard.per_system_table([ours, ours], reference)
