"""Ridge regression (L2-penalised least squares)."""

from __future__ import annotations

from physbench.supercon.estimators import Estimator


class RidgeRegression(Estimator):
    name = "ridge"
    cost = 2

    @staticmethod
    def make(seed, n_jobs, **params):
        from sklearn.linear_model import Ridge

        return Ridge(**params)
