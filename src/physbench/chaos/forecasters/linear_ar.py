"""Linear autoregression on delay taps."""

from __future__ import annotations

import numpy as np

from physbench.chaos.forecasters._delay import RidgeDelayMap


class LinearAR(RidgeDelayMap):
    """Ridge linear autoregression: increment = c + sum_j A_j x[t - j*spacing], j < ``lags``."""

    name = "linear_ar"

    def __init__(self, lags: int = 10, spacing: int = 1, alpha: float = 1e-4):
        self.lags, self.spacing, self.alpha = lags, spacing, alpha

    @property
    def taps(self) -> int:
        return self.lags

    def _features(self, taps):
        return np.concatenate([np.ones((len(taps), 1)), taps], axis=1)
