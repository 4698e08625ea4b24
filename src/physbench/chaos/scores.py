"""Forecast scores: sMAPE on the 0-200 scale, MAE/RMSE/NRMSE, valid prediction time, attractor distances.

Arrays are (horizon, channels) in standardised units (training mean 0, std 1) unless stated. The
published dysts/Gilpin numbers use sMAPE = 200/n * sum |y - yhat| / (|y| + |yhat|) (dysts 0.96's
``smape`` halves this unless ``scaled=False``), so this module implements it directly.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.signal import welch
from scipy.stats import wasserstein_distance


def smape(y_true: np.ndarray, y_pred: np.ndarray, eps: float = 1e-10) -> float:
    """Symmetric mean absolute percentage error, 0 (perfect) to 200, averaged over time and channels."""
    y_true, y_pred = np.asarray(y_true, float), np.asarray(y_pred, float)
    return float(200.0 * np.mean(np.abs(y_true - y_pred) / (np.abs(y_true) + np.abs(y_pred) + eps)))


def smape_curve(y_true: np.ndarray, y_pred: np.ndarray, eps: float = 1e-10) -> np.ndarray:
    """Per-step sMAPE (0-200), averaged over channels: shape (horizon,)."""
    y_true, y_pred = _2d(y_true), _2d(y_pred)
    return 200.0 * np.mean(np.abs(y_true - y_pred) / (np.abs(y_true) + np.abs(y_pred) + eps), axis=1)


def nrmse_curve(y_true: np.ndarray, y_pred: np.ndarray, scale: np.ndarray | float = 1.0) -> np.ndarray:
    """Point-wise normalised error: sqrt(mean over channels of ((yhat - y) / scale)^2), shape (horizon,).

    ``scale`` is the per-channel attractor standard deviation (1 for standardised data).
    """
    y_true, y_pred = _2d(y_true), _2d(y_pred)
    return np.sqrt(np.mean(((y_pred - y_true) / np.asarray(scale, float)) ** 2, axis=1))


def first_exceedance(curve: np.ndarray, threshold: float) -> int:
    """Number of leading steps with ``curve <= threshold`` (len(curve) if it never exceeds it)."""
    above = np.flatnonzero(~(np.asarray(curve) <= threshold))  # NaN counts as exceeding
    return int(above[0]) if above.size else len(curve)


def valid_steps(y_true: np.ndarray, y_pred: np.ndarray, threshold: float = 0.5, scale=1.0) -> int:
    """Valid prediction length in steps: first step whose point-wise NRMSE exceeds ``threshold``."""
    return first_exceedance(nrmse_curve(y_true, y_pred, scale), threshold)


def valid_steps_smape(y_true: np.ndarray, y_pred: np.ndarray, threshold: float = 30.0) -> int:
    """Published variant (Zhang & Gilpin 2025): first step whose running-average sMAPE exceeds ``threshold``."""
    curve = smape_curve(y_true, y_pred)
    running = np.cumsum(curve) / np.arange(1, len(curve) + 1)
    return first_exceedance(running, threshold)


def mean_wasserstein(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Wasserstein-1 distance between the per-channel marginal distributions, averaged over channels."""
    y_true, y_pred = _2d(y_true), _2d(y_pred)
    return float(np.mean([wasserstein_distance(y_true[:, j], y_pred[:, j]) for j in range(y_true.shape[1])]))


def spectral_hellinger(y_true: np.ndarray, y_pred: np.ndarray, nperseg: int = 256) -> float:
    """Hellinger distance (0-1) between normalised Welch power spectra, averaged over channels."""
    y_true, y_pred = _2d(y_true), _2d(y_pred)
    nperseg = int(min(nperseg, len(y_true)))
    distances = []
    for j in range(y_true.shape[1]):
        _, p = welch(y_true[:, j], nperseg=nperseg)
        _, q = welch(y_pred[:, j], nperseg=nperseg)
        p_sum, q_sum = p.sum(), q.sum()
        if not (p_sum > 0 and q_sum > 0 and np.isfinite(p_sum) and np.isfinite(q_sum)):
            distances.append(1.0)
            continue
        p, q = p / p_sum, q / q_sum
        distances.append(math.sqrt(max(0.0, 1.0 - float(np.sum(np.sqrt(p * q))))))
    return float(np.mean(distances))


def error_scores(y_true: np.ndarray, y_pred: np.ndarray, scale: np.ndarray | float = 1.0) -> dict[str, float]:
    """sMAPE (0-200), MAE and RMSE (units of the series) and NRMSE (RMSE of errors / ``scale``) of a window.

    ``scale`` is the per-channel attractor (training) standard deviation.
    """
    y_true, y_pred = _2d(y_true), _2d(y_pred)
    err = y_pred - y_true
    return {"smape": smape(y_true, y_pred), "mae": float(np.mean(np.abs(err))),
            "rmse": float(np.sqrt(np.mean(err**2))),
            "nrmse": float(np.sqrt(np.mean((err / np.asarray(scale, float)) ** 2)))}


def bootstrap_median_ci(values: np.ndarray, n_resamples: int, seed: int, level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap confidence interval of the median (NaNs dropped)."""
    values = np.asarray(values, float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return math.nan, math.nan
    rng = np.random.default_rng(seed)
    medians = np.median(rng.choice(values, size=(n_resamples, values.size), replace=True), axis=1)
    alpha = (1 - level) / 2
    return float(np.quantile(medians, alpha)), float(np.quantile(medians, 1 - alpha))


def _2d(a) -> np.ndarray:
    a = np.asarray(a, float)
    return a[:, None] if a.ndim == 1 else a
