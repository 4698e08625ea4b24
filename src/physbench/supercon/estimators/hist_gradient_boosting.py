"""Histogram gradient boosting (scikit-learn; uses the OpenMP threads of the job)."""

from __future__ import annotations

from physbench.supercon.estimators import Estimator


class HistGradientBoosting(Estimator):
    name = "hist_gradient_boosting"
    threads = 1  # a second thread gained nothing (benchmarks/contention.py)
    cost = 350

    @staticmethod
    def make(seed, n_jobs, **params):
        from sklearn.ensemble import HistGradientBoostingRegressor

        return HistGradientBoostingRegressor(random_state=seed, **params)
