"""Forecasters of chaotic trajectories, one interface and a registry.

Every forecaster works on standardised arrays (training mean 0, std 1 per channel):
``fit(train)`` with ``train`` of shape (n_points, n_channels), then ``predict(context, horizon)``
with ``context`` of shape (n_windows, context_points, n_channels) (or one window, 2-D) returning
(n_windows, horizon, n_channels) (or 2-D). ``context_points`` says how much history a model reads;
it takes the last points of the context. Models that learn a map predict the one-step increment
x[t+1] - x[t] and are iterated; iterated states are clipped to +-``CLIP`` standardised units so a
diverging model gives large but finite errors.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

import numpy as np
import scipy.sparse
import scipy.sparse.linalg

CLIP = 1.0e3


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


class Forecaster:
    """Base class: subclasses set ``context_points`` in ``fit`` and implement ``_predict``."""

    context_points = 1

    def fit(self, train: np.ndarray) -> Forecaster:
        raise NotImplementedError

    def predict(self, context: np.ndarray, horizon: int) -> np.ndarray:
        context = np.asarray(context, dtype=float)
        single = context.ndim == 2
        batch = context[None] if single else context
        if batch.shape[1] < self.context_points:
            raise ValueError(f"{type(self).__name__} needs {self.context_points} context points, got {batch.shape[1]}")
        out = self._predict(batch, int(horizon))
        return out[0] if single else out

    def _predict(self, context: np.ndarray, horizon: int) -> np.ndarray:
        raise NotImplementedError

    def get_params(self) -> dict:
        return dict(self._params)


class Persistence(Forecaster):
    """Repeat the last observed value."""

    def __init__(self):
        self._params = {}

    def fit(self, train):
        return self

    def _predict(self, context, horizon):
        return np.repeat(context[:, -1:, :], horizon, axis=1)


class TrainingMean(Forecaster):
    """Forecast the training mean (0 in standardised units): the climatology baseline."""

    def __init__(self):
        self._params = {}

    def fit(self, train):
        self.mean_ = np.asarray(train, float).mean(axis=0)
        return self

    def _predict(self, context, horizon):
        return np.broadcast_to(self.mean_, (context.shape[0], horizon, context.shape[2])).copy()


class _DelayMap(Forecaster):
    """Iterated one-step map on delay taps x[t], x[t-s], ..., x[t-(k-1)s] predicting the increment."""

    def __init__(self, taps: int, spacing: int):
        self.taps, self.spacing = int(taps), int(spacing)
        self.context_points = (self.taps - 1) * self.spacing + 1

    def _taps(self, window: np.ndarray) -> np.ndarray:
        """(B, L, d) -> (B, taps*d) from the last point backwards."""
        index = window.shape[1] - 1 - self.spacing * np.arange(self.taps)
        return window[:, index, :].reshape(window.shape[0], -1)

    def _training_pairs(self, train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        train = np.asarray(train, float)
        lo = self.context_points - 1
        t = np.arange(lo, len(train) - 1)
        taps = np.concatenate([train[t - self.spacing * j] for j in range(self.taps)], axis=1)
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


class _RidgeDelayMap(_DelayMap):
    def __init__(self, taps: int, spacing: int, alpha: float):
        super().__init__(taps, spacing)
        self.alpha = float(alpha)

    def fit(self, train):
        taps, targets = self._training_pairs(train)
        self.weights_ = ridge_solve(self._features(taps), targets, self.alpha)
        return self

    def _step(self, features):
        return features @ self.weights_


class LinearAR(_RidgeDelayMap):
    """Ridge linear autoregression: increment = c + sum_j A_j x[t - j*spacing]."""

    def __init__(self, lags: int = 10, spacing: int = 1, alpha: float = 1e-4):
        super().__init__(lags, spacing, alpha)
        self._params = {"lags": lags, "spacing": spacing, "alpha": alpha}

    def _features(self, taps):
        return np.concatenate([np.ones((len(taps), 1)), taps], axis=1)


@lru_cache(maxsize=64)
def _monomials(n_linear: int, degree: int) -> tuple[np.ndarray, ...]:
    return tuple(np.array(list(itertools.combinations_with_replacement(range(n_linear), p))).T
                 for p in range(2, degree + 1))


class NVAR(_RidgeDelayMap):
    """Next-generation reservoir computer (Gauthier et al. 2021): ridge on [1, taps, monomials of taps].

    ``degree`` 2 adds all unique pairwise products of the tap entries, 3 also the triple products.
    """

    def __init__(self, taps: int = 2, spacing: int = 1, degree: int = 3, alpha: float = 1e-9):
        super().__init__(taps, spacing, alpha)
        self.degree = int(degree)
        self._params = {"taps": taps, "spacing": spacing, "degree": degree, "alpha": alpha}

    def _features(self, taps):
        parts = [np.ones((len(taps), 1)), taps]
        for index in _monomials(taps.shape[1], self.degree):
            parts.append(np.prod(taps[:, index], axis=1))  # index: (degree, n_monomials)
        return np.concatenate(parts, axis=1)


class KNNAnalogue(_DelayMap):
    """Method of analogues: iterate the distance-weighted mean increment of the k nearest training states."""

    def __init__(self, neighbors: int = 4, taps: int = 2, spacing: int = 5):
        super().__init__(taps, spacing)
        self.neighbors = int(neighbors)
        self._params = {"neighbors": neighbors, "taps": taps, "spacing": spacing}

    def fit(self, train):
        from scipy.spatial import cKDTree

        taps, self.increments_ = self._training_pairs(train)
        self.tree_ = cKDTree(taps)
        return self

    def _features(self, taps):
        return taps

    def _step(self, features):
        k = min(self.neighbors, len(self.increments_))
        dist, idx = self.tree_.query(features, k=k)
        dist, idx = dist.reshape(len(features), k), idx.reshape(len(features), k)
        weights = 1.0 / (dist + 1e-12)
        weights /= weights.sum(axis=1, keepdims=True)
        return np.einsum("bk,bkd->bd", weights, self.increments_[idx])


class TreeEnsemble:
    """A fitted XGBoost regressor's trees as flat arrays, evaluated vectorised in numpy.

    Iterating a forecast calls the model once per step on a handful of rows, where XGBoost's own
    per-call overhead (~1 ms) dominates; walking all trees at once is ~20x faster. Splits compare
    float32 features as XGBoost does (x < threshold goes left); the intercept per output is
    recovered from XGBoost's own predictions on the training rows.
    """

    def __init__(self, booster, n_outputs: int, reference: np.ndarray):
        import json

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


class XGBoostLags(_DelayMap):
    """Gradient-boosted trees (XGBoost, one multi-output model) on delay taps, increment target, iterated."""

    def __init__(self, taps: int = 4, spacing: int = 3, n_estimators: int = 200, max_depth: int = 6,
                 learning_rate: float = 0.1, seed: int = 0, n_jobs: int = 1):
        super().__init__(taps, spacing)
        self._params = {"taps": taps, "spacing": spacing, "n_estimators": n_estimators,
                        "max_depth": max_depth, "learning_rate": learning_rate, "seed": seed}
        self.n_jobs = n_jobs

    def fit(self, train):
        import xgboost

        taps, targets = self._training_pairs(train)
        p = self._params
        model = xgboost.XGBRegressor(n_estimators=p["n_estimators"], max_depth=p["max_depth"],
                                     learning_rate=p["learning_rate"], random_state=p["seed"],
                                     n_jobs=self.n_jobs, tree_method="hist")
        model.fit(taps, targets)
        self.booster_ = model.get_booster()
        self.trees_ = TreeEnsemble(self.booster_, targets.shape[1], taps)
        return self

    def _features(self, taps):
        return taps

    def _step(self, features):
        return self.trees_.predict(features)


@lru_cache(maxsize=8)
def _unit_reservoir(size: int, degree: int, seed: int) -> scipy.sparse.csr_matrix:
    """Sparse random reservoir with ``degree`` non-zeros per row, rescaled to spectral radius 1."""
    rng = np.random.default_rng(seed)
    rows = np.repeat(np.arange(size), degree)
    cols = np.concatenate([rng.choice(size, degree, replace=False) for _ in range(size)])
    matrix = scipy.sparse.csr_matrix((rng.uniform(-1, 1, size * degree), (rows, cols)), shape=(size, size))
    radius = abs(scipy.sparse.linalg.eigs(matrix, k=1, which="LM", return_eigenvectors=False, v0=np.ones(size),
                                          maxiter=size * 100)[0])
    return matrix / radius


class EchoStateNetwork(Forecaster):
    """Echo state network: sparse tanh reservoir, ridge readout on [1, u, r, r^2] to the increment.

    r[t+1] = (1 - leak) r[t] + leak tanh(W r[t] + W_in u[t] + b), with W rescaled to
    ``spectral_radius``, W_in uniform in +-``input_scaling``, b uniform in +-``bias_scaling``.
    The reservoir is synchronised on the context (``washout`` points), then run in closed loop.
    """

    def __init__(self, size: int = 500, spectral_radius: float = 0.5, degree: int = 6, input_scaling: float = 0.5,
                 bias_scaling: float = 1.0, leak: float = 1.0, alpha: float = 1e-8, washout: int = 100, seed: int = 0):
        self._params = {"size": size, "spectral_radius": spectral_radius, "degree": degree,
                        "input_scaling": input_scaling, "bias_scaling": bias_scaling, "leak": leak,
                        "alpha": alpha, "washout": washout, "seed": seed}
        self.context_points = int(washout)

    def _readout_features(self, u, r):
        return np.concatenate([np.ones((len(u), 1)), u, r, r * r], axis=1)

    def fit(self, train):
        p = self._params
        train = np.asarray(train, float)
        n, d = train.shape
        rng = np.random.default_rng(p["seed"] + 1)
        self.w_ = (_unit_reservoir(p["size"], min(p["degree"], p["size"]), p["seed"]) * p["spectral_radius"]).tocsr()
        self.w_in_ = rng.uniform(-p["input_scaling"], p["input_scaling"], (p["size"], d))
        self.bias_ = rng.uniform(-p["bias_scaling"], p["bias_scaling"], p["size"])
        states = self._drive(train[None])[0]  # states[t] = reservoir after reading u[t]
        t = np.arange(min(p["washout"], n - 2), n - 1)
        features = self._readout_features(train[t], states[t])
        self.w_out_ = ridge_solve(features, train[t + 1] - train[t], p["alpha"])
        return self

    def _update(self, r, u):
        """r: (size, B), u: (B, d) -> next reservoir state (size, B)."""
        leak = self._params["leak"]
        pre = self.w_ @ r + self.w_in_ @ u.T + self.bias_[:, None]
        return (1 - leak) * r + leak * np.tanh(pre) if leak != 1 else np.tanh(pre)

    def _drive(self, inputs):
        """inputs (B, L, d) -> reservoir states after each input, (B, L, size)."""
        b, length, _ = inputs.shape
        r = np.zeros((self._params["size"], b))
        states = np.empty((b, length, self._params["size"]))
        for i in range(length):
            r = self._update(r, inputs[:, i])
            states[:, i] = r.T
        return states

    def _predict(self, context, horizon):
        b, length, _ = context.shape
        r = np.zeros((self._params["size"], b))
        for i in range(length):
            r = self._update(r, context[:, i])
        u = context[:, -1]
        out = np.empty((b, horizon, context.shape[2]))
        for h in range(horizon):
            u = u + self._readout_features(u, r.T) @ self.w_out_
            u = np.clip(np.nan_to_num(u, nan=CLIP, posinf=CLIP, neginf=-CLIP), -CLIP, CLIP)
            out[:, h] = u
            r = self._update(r, u)
        return out


REGISTRY: dict[str, type[Forecaster]] = {
    "persistence": Persistence,
    "mean": TrainingMean,
    "linear_ar": LinearAR,
    "nvar": NVAR,
    "esn": EchoStateNetwork,
    "knn": KNNAnalogue,
    "xgboost": XGBoostLags,
}


def make_forecaster(kind: str, params: dict | None = None) -> Forecaster:
    """Instantiate a registered forecaster by config name with its constructor parameters."""
    if kind not in REGISTRY:
        raise KeyError(f"unknown forecaster {kind!r}; registered: {sorted(REGISTRY)}")
    return REGISTRY[kind](**(params or {}))
