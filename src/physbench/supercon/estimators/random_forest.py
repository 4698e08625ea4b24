"""Random forest."""

from __future__ import annotations

from physbench.supercon.estimators import Estimator


class RandomForest(Estimator):
    name = "random_forest"
    threads = 2
    cost = 500

    @staticmethod
    def make(seed, n_jobs, **params):
        from sklearn.ensemble import RandomForestRegressor

        return RandomForestRegressor(random_state=seed, n_jobs=n_jobs, **params)
