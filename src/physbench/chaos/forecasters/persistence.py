"""Persistence: the naive forecast."""

from __future__ import annotations

import numpy as np

from physbench.chaos.forecasters import Forecaster


class Persistence(Forecaster):
    """Repeat the last observed value."""

    name = "persistence"

    def fit(self, train):
        return self

    def _predict(self, context, horizon):
        return np.repeat(context[:, -1:, :], horizon, axis=1)
