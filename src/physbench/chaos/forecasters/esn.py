"""Echo state network (reservoir computing)."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import scipy.sparse
import scipy.sparse.linalg

from physbench.chaos.forecasters import CLIP, Forecaster
from physbench.chaos.forecasters._delay import ridge_solve


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
    ``leak_time``, when set, gives the leak as the reservoir's time constant in points,
    leak = 1 - exp(-1 / leak_time) (a leaky integrator sampled once per point), so that it can be
    set in dominant periods and mean the same at every resolution.
    """

    name = "esn"
    cost = 10.0
    length_params = {"washout": int, "leak_time": float}

    def __init__(self, size: int = 500, spectral_radius: float = 0.5, degree: int = 6, input_scaling: float = 0.5,
                 bias_scaling: float = 1.0, leak: float = 1.0, leak_time: float | None = None, alpha: float = 1e-8,
                 washout: int = 100, seed: int = 0):
        self.size, self.spectral_radius, self.degree, self.input_scaling = size, spectral_radius, degree, input_scaling
        self.bias_scaling, self.leak, self.leak_time = bias_scaling, leak, leak_time
        self.alpha, self.washout, self.seed = alpha, washout, seed

    @property
    def context_points(self) -> int:
        return int(self.washout)

    def _readout_features(self, u, r):
        return np.concatenate([np.ones((len(u), 1)), u, r, r * r], axis=1)

    def fit(self, train):
        train = np.asarray(train, float)
        n, d = train.shape
        rng = np.random.default_rng(self.seed + 1)
        self.w_ = (_unit_reservoir(self.size, min(self.degree, self.size), self.seed) * self.spectral_radius).tocsr()
        self.w_in_ = rng.uniform(-self.input_scaling, self.input_scaling, (self.size, d))
        self.bias_ = rng.uniform(-self.bias_scaling, self.bias_scaling, self.size)
        self.leak_ = float(self.leak) if self.leak_time is None else -math.expm1(-1.0 / float(self.leak_time))
        states = self._drive(train[None])[0]  # states[t] = reservoir after reading u[t]
        t = np.arange(min(self.washout, n - 2), n - 1)
        features = self._readout_features(train[t], states[t])
        self.w_out_ = ridge_solve(features, train[t + 1] - train[t], self.alpha)
        return self

    def _update(self, r, u):
        """r: (size, B), u: (B, d) -> next reservoir state (size, B)."""
        leak = self.leak_
        pre = self.w_ @ r + self.w_in_ @ u.T + self.bias_[:, None]
        return (1 - leak) * r + leak * np.tanh(pre) if leak != 1 else np.tanh(pre)

    def _drive(self, inputs):
        """inputs (B, L, d) -> reservoir states after each input, (B, L, size)."""
        b, length, _ = inputs.shape
        r = np.zeros((self.size, b))
        states = np.empty((b, length, self.size))
        for i in range(length):
            r = self._update(r, inputs[:, i])
            states[:, i] = r.T
        return states

    def _predict(self, context, horizon):
        b, length, _ = context.shape
        r = np.zeros((self.size, b))
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
