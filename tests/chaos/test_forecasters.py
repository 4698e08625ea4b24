"""Forecasters: exact recovery of a linear system, batch semantics, the XGBoost tree evaluator."""

import numpy as np
import pytest

from physbench.chaos.forecasters import CLIP, REGISTRY, make_forecaster
from physbench.chaos.forecasters.xgboost import TreeEnsemble


def damped_oscillator(n=600, theta=0.07, decay=0.999):
    """x[t+1] = A x[t] with A a damped rotation: an exactly linear map."""
    c, s = np.cos(theta), np.sin(theta)
    a = decay * np.array([[c, -s], [s, c]])
    x = np.empty((n, 2))
    x[0] = [1.0, 0.0]
    for t in range(n - 1):
        x[t + 1] = a @ x[t]
    return x


def test_ridge_ar_forecasts_linear_system_to_machine_precision():
    x = damped_oscillator()
    model = make_forecaster("linear_ar", {"lags": 1, "spacing": 1, "alpha": 1e-14}).fit(x[:400])
    pred = model.predict(x[350:400], 200)
    assert np.max(np.abs(pred - x[400:600])) < 1e-9


def test_nvar_forecasts_linear_system_very_well():
    x = damped_oscillator()
    model = make_forecaster("nvar", {"taps": 2, "spacing": 1, "degree": 3, "alpha": 1e-10}).fit(x[:400])
    pred = model.predict(x[350:400], 200)
    assert np.max(np.abs(pred - x[400:600])) < 1e-4


def test_baselines():
    x = damped_oscillator()
    ctx = np.stack([x[100:150], x[200:250]])
    pers = make_forecaster("persistence").fit(x).predict(ctx, 5)
    assert pers.shape == (2, 5, 2) and np.array_equal(pers[1, 3], x[249])
    mean = make_forecaster("mean").fit(x[:300]).predict(ctx, 4)
    np.testing.assert_allclose(mean[0, 0], x[:300].mean(axis=0))


@pytest.mark.parametrize("kind", sorted(REGISTRY))
def test_every_forecaster_is_deterministic_and_batches_like_single_windows(kind):
    rng = np.random.default_rng(0)
    x = damped_oscillator() + 0.01 * rng.standard_normal((600, 2))
    x = (x - x.mean(0)) / x.std(0)
    params = {"esn": {"size": 60, "washout": 20}, "xgboost": {"n_estimators": 10}}.get(kind, {})
    a = make_forecaster(kind, params).fit(x[:400])
    b = make_forecaster(kind, params).fit(x[:400])
    ctx = np.stack([x[300:400], x[400:500]])
    batch = a.predict(ctx, 30)
    assert batch.shape == (2, 30, 2)
    np.testing.assert_allclose(batch, b.predict(ctx, 30))
    np.testing.assert_allclose(batch[1], a.predict(x[400:500], 30), rtol=1e-10, atol=1e-12)
    assert np.all(np.abs(batch) <= CLIP)


def test_diverging_map_is_clipped_not_infinite():
    x = np.exp(0.05 * np.arange(300))[:, None]  # exponential growth learned exactly, then iterated
    pred = make_forecaster("linear_ar", {"lags": 1, "alpha": 1e-12}).fit(x[:200]).predict(x[150:200], 400)
    assert np.all(np.isfinite(pred)) and pred.max() == CLIP


def test_tree_ensemble_matches_xgboost():
    import xgboost

    rng = np.random.default_rng(3)
    features = rng.normal(size=(400, 5))
    targets = np.c_[np.sin(features[:, 0]), features[:, 1] * features[:, 2], features[:, 3] ** 2]
    model = xgboost.XGBRegressor(n_estimators=40, max_depth=5, tree_method="hist", n_jobs=1).fit(features, targets)
    trees = TreeEnsemble(model.get_booster(), 3, features)
    fresh = rng.normal(size=(300, 5))
    np.testing.assert_allclose(trees.predict(fresh), model.predict(fresh), atol=1e-5)


def test_unknown_forecaster_names_the_registry():
    with pytest.raises(KeyError, match="registered"):
        make_forecaster("lstm")
