"""Regression models behind one scikit-learn interface, built from config names.

A ``studies.supercon.models`` entry is ``{estimator: <registry name>, standardise: bool,
params: {...}}``; :func:`build_model` returns an unfitted estimator (a pipeline with a
standard scaler when ``standardise`` is set).
"""

from __future__ import annotations

from collections.abc import Callable

from sklearn.base import RegressorMixin
from sklearn.dummy import DummyRegressor
from sklearn.ensemble import ExtraTreesRegressor, HistGradientBoostingRegressor, RandomForestRegressor
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def _xgboost(seed: int, n_jobs: int, **params):
    from xgboost import XGBRegressor

    return XGBRegressor(random_state=seed, n_jobs=n_jobs, objective="reg:squarederror", **params)


# name -> factory(seed, n_jobs, **params)
REGISTRY: dict[str, Callable[..., RegressorMixin]] = {
    "mean": lambda seed, n_jobs, **p: DummyRegressor(strategy="mean", **p),
    "linear_regression": lambda seed, n_jobs, **p: LinearRegression(**p),
    "ridge": lambda seed, n_jobs, **p: Ridge(**p),
    "knn": lambda seed, n_jobs, **p: KNeighborsRegressor(n_jobs=n_jobs, **p),
    "random_forest": lambda seed, n_jobs, **p: RandomForestRegressor(random_state=seed, n_jobs=n_jobs, **p),
    "extra_trees": lambda seed, n_jobs, **p: ExtraTreesRegressor(random_state=seed, n_jobs=n_jobs, **p),
    "hist_gradient_boosting": lambda seed, n_jobs, **p: HistGradientBoostingRegressor(random_state=seed, **p),
    "xgboost": _xgboost,
}


def build_model(spec: dict, seed: int = 0, n_jobs: int = 1):
    """Unfitted estimator for a model spec; unknown names or parameters fail with the offending key."""
    name = spec["estimator"]
    if name not in REGISTRY:
        raise KeyError(f"unknown estimator {name!r}; choose one of {sorted(REGISTRY)}")
    try:
        estimator = REGISTRY[name](seed, n_jobs, **spec.get("params", {}))
    except TypeError as err:
        raise ValueError(f"estimator {name!r}: invalid params {spec.get('params')}: {err}") from err
    return make_pipeline(StandardScaler(), estimator) if spec.get("standardise") else estimator


def feature_importances(model, n_features: int):
    """Impurity/gain importances of tree models, |coefficients| of linear ones (standardised), else None."""
    estimator = model.steps[-1][1] if hasattr(model, "steps") else model
    if hasattr(estimator, "feature_importances_"):
        return estimator.feature_importances_
    if hasattr(estimator, "coef_"):
        return abs(estimator.coef_.reshape(-1)[:n_features])
    return None
