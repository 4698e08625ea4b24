"""Scores on hand-made series with known answers."""

import numpy as np
import pytest

from physbench.chaos import scores


def test_smape_is_on_the_0_200_scale():
    y = np.ones(4)
    assert scores.smape(y, y) == pytest.approx(0.0)
    assert scores.smape(y, np.zeros(4)) == pytest.approx(200.0)
    assert scores.smape(y, -y) == pytest.approx(200.0)
    assert scores.smape(y, 3 * y) == pytest.approx(100.0)  # 200 * 2 / 4
    # mixed: errors 0 and 200 average to 100
    assert scores.smape(np.array([1.0, 1.0]), np.array([1.0, 0.0])) == pytest.approx(100.0)


def test_smape_matches_dysts_unscaled_convention():
    from dysts.metrics import smape as dysts_smape

    rng = np.random.default_rng(0)
    y, yhat = rng.normal(size=(50, 3)), rng.normal(size=(50, 3))
    assert scores.smape(y, yhat) == pytest.approx(dysts_smape(y, yhat, scaled=False), rel=1e-9)


def test_valid_steps_first_crossing_of_pointwise_nrmse():
    truth = np.zeros((10, 2))
    pred = np.zeros((10, 2))
    pred[:, 0] = 0.2 * np.arange(10)  # NRMSE(t) = 0.2 t / sqrt(2): exceeds 0.5 first at t = 4 (0.566)
    assert scores.valid_steps(truth, pred, 0.5) == 4
    assert scores.valid_steps(truth, truth, 0.5) == 10  # never crosses: censored at the horizon
    # scale: errors measured in units of the attractor std
    assert scores.valid_steps(truth, pred, 0.5, scale=np.array([10.0, 1.0])) == 10


def test_valid_steps_treats_nan_as_failure():
    truth, pred = np.zeros((5, 1)), np.zeros((5, 1))
    pred[2] = np.nan
    assert scores.valid_steps(truth, pred) == 2


def test_smape_vpt_uses_running_average():
    truth = np.ones((6, 1))
    # per-step sMAPE: 0, 0, 0, 100, 0, 0 -> running mean 0, 0, 0, 25, 20, 16.7: never above 30
    pred = np.array([1, 1, 1, 3, 1, 1], float)[:, None]
    assert scores.valid_steps_smape(truth, pred, 30) == 6
    # 0, 200, ... -> running mean 0, 100: crosses at step 1
    pred = np.array([1, 0, 1, 1, 1, 1], float)[:, None]
    assert scores.valid_steps_smape(truth, pred, 30) == 1


def test_error_scores_known_values():
    truth = np.array([[1.0, 2.0], [3.0, 4.0]])
    pred = truth + np.array([[1.0, -1.0], [1.0, -1.0]])
    out = scores.error_scores(truth, pred, scale=np.array([2.0, 1.0]))
    assert out["mae"] == pytest.approx(1.0)
    assert out["rmse"] == pytest.approx(1.0)
    assert out["nrmse"] == pytest.approx(np.sqrt((0.25 + 1.0) / 2))


def test_wasserstein_of_a_shift_is_the_shift():
    x = np.random.default_rng(1).normal(size=(2000, 2))
    assert scores.mean_wasserstein(x, x + 0.3) == pytest.approx(0.3, abs=1e-9)


def test_spectral_hellinger_zero_for_same_series_and_large_for_different_frequency():
    t = np.arange(2048)
    slow = np.sin(2 * np.pi * t / 64)[:, None]
    fast = np.sin(2 * np.pi * t / 8)[:, None]
    assert scores.spectral_hellinger(slow, slow) == pytest.approx(0.0, abs=1e-7)
    assert scores.spectral_hellinger(slow, fast) > 0.9


def test_bootstrap_interval_brackets_the_median():
    values = np.arange(101, dtype=float)
    low, high = scores.bootstrap_median_ci(values, 500, seed=0)
    assert low < 50 < high
    assert scores.bootstrap_median_ci(values, 500, seed=0) == (low, high)
