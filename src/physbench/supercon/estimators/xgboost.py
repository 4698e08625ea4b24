"""Gradient-boosted trees (XGBoost), Hamidieh's best model."""

from __future__ import annotations

from physbench.supercon.estimators import Estimator


class XGBoost(Estimator):
    name = "xgboost"
    threads = 1  # a second thread gained nothing (benchmarks/contention.py)
    cost = 600

    @staticmethod
    def make(seed, n_jobs, **params):
        from xgboost import XGBRegressor

        return XGBRegressor(random_state=seed, n_jobs=n_jobs, objective="reg:squarederror", **params)
