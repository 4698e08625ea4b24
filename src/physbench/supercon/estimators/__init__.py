"""Regression models of the SuperCon study: one plug-in class per module, discovered by name.

A ``studies.supercon.models`` entry is ``{estimator: <plug-in name>, standardise: bool,
params: {...}}``; :func:`build_model` returns the unfitted scikit-learn estimator (a pipeline with a
standard scaler when ``standardise`` is set). A new model is one module here holding an
:class:`Estimator` subclass, plus its config entry.
"""

from __future__ import annotations

from typing import ClassVar

from physbench.plugins import Registry


class Estimator:
    """Plug-in base: ``name`` (config name), ``threads`` (cores one fit uses), ``cost`` (relative fit
    time on the full data, the mean model = 1; cheap models are scheduled first) and
    :meth:`make`, the factory of the scikit-learn regressor."""

    name: ClassVar[str]
    threads: ClassVar[int] = 1
    cost: ClassVar[float] = 1.0

    @staticmethod
    def make(seed: int, n_jobs: int, **params):
        """The unfitted scikit-learn regressor (import scikit-learn here: the workflow discovers the
        plug-ins at every start and should not pay for importing it)."""
        raise NotImplementedError

    @classmethod
    def defaults(cls) -> dict:
        """The regressor's parameters and their defaults (what ``params`` in config may set)."""
        return cls.make(0, 1).get_params(deep=False)


REGISTRY = Registry(__name__, Estimator, "estimator")


def build_model(spec: dict, seed: int = 0, n_jobs: int = 1):
    """Unfitted estimator for a model spec; unknown names or parameters fail with the offending key."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    name = spec["estimator"]
    try:
        estimator = REGISTRY[name].make(seed, n_jobs, **spec.get("params", {}))
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
