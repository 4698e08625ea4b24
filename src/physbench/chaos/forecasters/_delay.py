"""Shared pieces of the forecasters: the ridge solve and the iterated map on delay taps."""

from __future__ import annotations

import numpy as np

from physbench.chaos.forecasters import CLIP, Forecaster


def ridge_solve(features: np.ndarray, targets: np.ndarray, alpha: float) -> np.ndarray:
    """Weights W minimising |F W - Y|^2 + alpha |W|^2.

    Solves the primal normal equations, or the dual ones (F F^T + alpha I) when there are more
    features than rows; falls back to least squares when the system is singular.
    """
    if features.shape[1] > features.shape[0]:
        gram, rhs = features @ features.T, targets
    else:
        gram, rhs = features.T @ features, features.T @ targets
    gram[np.diag_indices_from(gram)] += alpha
    try:
        solution = np.linalg.solve(gram, rhs)
    except np.linalg.LinAlgError:
        solution = np.linalg.lstsq(gram, rhs, rcond=None)[0]
    return features.T @ solution if features.shape[1] > features.shape[0] else solution


class DelayMap(Forecaster):
    """Iterated one-step map on delay taps x[t], x[t-s], ..., x[t-(k-1)s] predicting the increment.

    Subclasses store ``taps`` (k) and ``spacing`` (s) and implement ``_features`` and ``_step``.
    """

    taps: int
    spacing: int
    length_params = {"spacing": int}

    @property
    def context_points(self) -> int:
        return (int(self.taps) - 1) * int(self.spacing) + 1

    def _taps(self, window: np.ndarray) -> np.ndarray:
        """(B, L, d) -> (B, taps*d) from the last point backwards."""
        index = window.shape[1] - 1 - int(self.spacing) * np.arange(int(self.taps))
        return window[:, index, :].reshape(window.shape[0], -1)

    def _training_pairs(self, train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        train = np.asarray(train, float)
        t = np.arange(self.context_points - 1, len(train) - 1)
        taps = np.concatenate([train[t - int(self.spacing) * j] for j in range(int(self.taps))], axis=1)
        return taps, train[t + 1] - train[t]

    def _features(self, taps: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _step(self, features: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _predict(self, context, horizon):
        buffer = context[:, -self.context_points:, :].copy()
        out = np.empty((context.shape[0], horizon, context.shape[2]))
        for h in range(horizon):
            nxt = buffer[:, -1, :] + self._step(self._features(self._taps(buffer)))
            nxt = np.clip(np.nan_to_num(nxt, nan=CLIP, posinf=CLIP, neginf=-CLIP), -CLIP, CLIP)
            out[:, h] = nxt
            buffer = np.concatenate([buffer[:, 1:], nxt[:, None]], axis=1)
        return out


class RidgeDelayMap(DelayMap):
    """A delay map whose step is linear in its features, fitted by ridge regression (``alpha``)."""

    alpha: float

    def fit(self, train):
        taps, targets = self._training_pairs(train)
        self.weights_ = ridge_solve(self._features(taps), targets, float(self.alpha))
        return self

    def _step(self, features):
        return features @ self.weights_
