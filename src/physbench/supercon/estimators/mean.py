"""The training mean: the baseline every model must beat."""

from __future__ import annotations

from physbench.supercon.estimators import Estimator


class MeanBaseline(Estimator):
    name = "mean"

    @staticmethod
    def make(seed, n_jobs, **params):
        from sklearn.dummy import DummyRegressor

        return DummyRegressor(strategy="mean", **params)
