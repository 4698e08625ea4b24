"""k nearest neighbours regression."""

from __future__ import annotations

from physbench.supercon.estimators import Estimator


class NearestNeighbours(Estimator):
    name = "knn"
    threads = 2
    cost = 40

    @staticmethod
    def make(seed, n_jobs, **params):
        from sklearn.neighbors import KNeighborsRegressor

        return KNeighborsRegressor(n_jobs=n_jobs, **params)
