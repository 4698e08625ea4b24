"""Gradient-boosted trees (XGBoost), Hamidieh's best model."""

from __future__ import annotations

from physbench.supercon.estimators import Estimator


class XGBoost(Estimator):
    name = "xgboost"
    # One thread: two were 1.4x faster for twice the CPU with passive OpenMP waits, and with spinning
    # waits 3.6x slower beside a busy process (benchmarks/contention.py).
    threads = 1
    cost = 600

    @staticmethod
    def make(seed, n_jobs, **params):
        from xgboost import XGBRegressor

        return XGBRegressor(random_state=seed, n_jobs=n_jobs, objective="reg:squarederror", **params)
