"""Climatology: the training mean."""

from __future__ import annotations

import numpy as np

from physbench.chaos.forecasters import Forecaster


class TrainingMean(Forecaster):
    """Forecast the training mean (0 in standardised units): the climatology baseline."""

    name = "mean"

    def fit(self, train):
        self.mean_ = np.asarray(train, float).mean(axis=0)
        return self

    def _predict(self, context, horizon):
        return np.broadcast_to(self.mean_, (context.shape[0], horizon, context.shape[2])).copy()
