"""Gradient-boosted trees (XGBoost) on delay taps, evaluated by a vectorised tree walker."""

from __future__ import annotations

import json

import numpy as np

from physbench.chaos.forecasters._delay import DelayMap


class TreeEnsemble:
    """A fitted XGBoost regressor's trees as flat arrays, evaluated vectorised in numpy.

    Iterating a forecast calls the model once per step on a handful of rows, where XGBoost's own
    per-call overhead (~1 ms) dominates; walking all trees at once is ~20x faster. Splits compare
    float32 features as XGBoost does (x < threshold goes left); the intercept per output is
    recovered from XGBoost's own predictions on the training rows.
    """

    def __init__(self, booster, n_outputs: int, reference: np.ndarray):
        model = json.loads(booster.save_raw("json"))["learner"]["gradient_booster"]["model"]
        trees = model["trees"]
        sizes = np.array([len(t["left_children"]) for t in trees])
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        left = np.concatenate([np.asarray(t["left_children"]) for t in trees])
        right = np.concatenate([np.asarray(t["right_children"]) for t in trees])
        self.leaf_ = left < 0
        shift = np.repeat(offsets, sizes)
        self.left_ = np.where(self.leaf_, np.arange(len(left)), left + shift)
        self.right_ = np.where(self.leaf_, np.arange(len(left)), right + shift)
        self.feature_ = np.concatenate([np.asarray(t["split_indices"]) for t in trees])
        self.threshold_ = np.concatenate([np.asarray(t["split_conditions"], dtype=np.float32) for t in trees])
        self.value_ = np.where(self.leaf_, self.threshold_.astype(float), 0.0)
        self.roots_ = offsets
        self.depth_ = int(max(_tree_depth(t["left_children"], t["right_children"]) for t in trees))
        self.output_ = np.zeros((len(trees), n_outputs))
        self.output_[np.arange(len(trees)), np.asarray(model["tree_info"]) % n_outputs] = 1.0
        self.intercept_ = np.zeros(n_outputs)
        reference = np.asarray(reference, dtype=float)
        expected = np.asarray(booster.inplace_predict(reference)).reshape(len(reference), n_outputs)
        self.intercept_ = np.median(expected - self.predict(reference), axis=0)

    def predict(self, features: np.ndarray) -> np.ndarray:
        x = np.asarray(features, dtype=np.float32)
        rows = np.arange(len(x))[None, :]
        node = np.broadcast_to(self.roots_[:, None], (len(self.roots_), len(x)))
        for _ in range(self.depth_):
            go_left = x[rows, self.feature_[node]] < self.threshold_[node]
            node = np.where(go_left, self.left_[node], self.right_[node])
        return self.value_[node].T @ self.output_ + self.intercept_


def _tree_depth(left: list[int], right: list[int]) -> int:
    depth, frontier = 0, [0]
    while frontier:
        frontier = [c for n in frontier for c in (left[n], right[n]) if c >= 0]
        depth += bool(frontier)
    return depth


class XGBoostLags(DelayMap):
    """Gradient-boosted trees (XGBoost, one multi-output model) on delay taps, increment target, iterated."""

    name = "xgboost"
    cost = 20.0

    def __init__(self, taps: int = 4, spacing: int = 3, n_estimators: int = 200, max_depth: int = 6,
                 learning_rate: float = 0.1, seed: int = 0, n_jobs: int = 1):
        self.taps, self.spacing, self.n_estimators, self.max_depth = taps, spacing, n_estimators, max_depth
        self.learning_rate, self.seed, self.n_jobs = learning_rate, seed, n_jobs

    def fit(self, train):
        import xgboost

        taps, targets = self._training_pairs(train)
        model = xgboost.XGBRegressor(n_estimators=self.n_estimators, max_depth=self.max_depth,
                                     learning_rate=self.learning_rate, random_state=self.seed,
                                     n_jobs=self.n_jobs, tree_method="hist")
        model.fit(taps, targets)
        self.booster_ = model.get_booster()
        self.trees_ = TreeEnsemble(self.booster_, targets.shape[1], taps)
        return self

    def _features(self, taps):
        return taps

    def _step(self, features):
        return self.trees_.predict(features)
