"""Method of analogues (k nearest neighbours on delay taps)."""

from __future__ import annotations

import numpy as np

from physbench.chaos.forecasters._delay import DelayMap


class KNNAnalogue(DelayMap):
    """Method of analogues: iterate the distance-weighted mean increment of the k nearest training states."""

    name = "knn"
    cost = 2.0

    def __init__(self, neighbors: int = 4, taps: int = 2, spacing: int = 5):
        self.neighbors, self.taps, self.spacing = neighbors, taps, spacing

    def fit(self, train):
        from scipy.spatial import cKDTree

        taps, self.increments_ = self._training_pairs(train)
        self.tree_ = cKDTree(taps)
        return self

    def _features(self, taps):
        return taps

    def _step(self, features):
        k = min(int(self.neighbors), len(self.increments_))
        dist, idx = self.tree_.query(features, k=k)
        dist, idx = dist.reshape(len(features), k), idx.reshape(len(features), k)
        weights = 1.0 / (dist + 1e-12)
        weights /= weights.sum(axis=1, keepdims=True)
        return np.einsum("bk,bkd->bd", weights, self.increments_[idx])
