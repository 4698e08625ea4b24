"""Ordinary least squares (Hamidieh's linear baseline)."""

from __future__ import annotations

from physbench.supercon.estimators import Estimator


class OrdinaryLeastSquares(Estimator):
    name = "linear_regression"
    cost = 2

    @staticmethod
    def make(seed, n_jobs, **params):
        from sklearn.linear_model import LinearRegression

        return LinearRegression(**params)
