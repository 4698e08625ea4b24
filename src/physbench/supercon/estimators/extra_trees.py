"""Extremely randomised trees."""

from __future__ import annotations

from physbench.supercon.estimators import Estimator


class ExtraTrees(Estimator):
    name = "extra_trees"
    threads = 2
    cost = 300

    @staticmethod
    def make(seed, n_jobs, **params):
        from sklearn.ensemble import ExtraTreesRegressor

        return ExtraTreesRegressor(random_state=seed, n_jobs=n_jobs, **params)
