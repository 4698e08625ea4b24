"""Histogram gradient boosting (scikit-learn; uses the OpenMP threads of the job)."""

from __future__ import annotations

from physbench.supercon.estimators import Estimator


class HistGradientBoosting(Estimator):
    name = "hist_gradient_boosting"
    # One thread: two were 3.4x slower with passive OpenMP waits, and with spinning waits 3.2x slower
    # beside a busy process (benchmarks/contention.py).
    threads = 1
    cost = 350

    @staticmethod
    def make(seed, n_jobs, **params):
        from sklearn.ensemble import HistGradientBoostingRegressor

        return HistGradientBoostingRegressor(random_state=seed, **params)
