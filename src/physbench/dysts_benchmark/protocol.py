"""The published protocol of the dysts forecasting benchmark (Gilpin 2021), and darts' naive models.

Per system: fit on the first ``split_point(n) = int(5/6 * n)`` points of the test series (1,000 of
1,200), forecast the remaining ``n - split`` points (200). The published scores compare the first
``n - split - 1`` forecast points (199) with the true points ``[split, n - 1)``: the benchmark
script drops the last true point and darts scores the overlap of the two series. Scores are in
the series' own units (no standardisation): sMAPE on the 0-200 scale, MAE and MSE.
"""

from __future__ import annotations

import numpy as np


def split_point(n_points: int) -> int:
    """Number of fitted points, computed as the benchmark script does: ``int(5 / 6 * n)``."""
    return int(5 / 6 * n_points)


def split(series: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(fit segment, forecast horizon's true values, scored true values) of a univariate series."""
    series = np.asarray(series, dtype=float)
    cut = split_point(len(series))
    return series[:cut], series[cut:], series[cut:-1]


def smape(truth: np.ndarray, forecast: np.ndarray) -> float:
    """darts' sMAPE, 200 * mean(|y - f| / (|y| + |f|)) (0-200), over the first ``len(truth)`` forecast points.

    A point where both are exactly zero counts as a perfect forecast (darts refuses such series).
    """
    truth, forecast = _overlap(truth, forecast)
    denominator = np.abs(truth) + np.abs(forecast)
    terms = np.divide(np.abs(truth - forecast), denominator, out=np.zeros_like(truth), where=denominator > 0)
    return float(200.0 * np.mean(terms))


def scores(truth: np.ndarray, forecast: np.ndarray) -> dict[str, float]:
    """sMAPE (0-200), MAE and MSE (units of the series, squared for MSE) over the scored points."""
    truth_, forecast_ = _overlap(truth, forecast)
    error = forecast_ - truth_
    return {"smape": smape(truth, forecast), "mae": float(np.mean(np.abs(error))), "mse": float(np.mean(error**2))}


def _overlap(truth, forecast) -> tuple[np.ndarray, np.ndarray]:
    truth, forecast = np.asarray(truth, dtype=float), np.asarray(forecast, dtype=float)
    if forecast.shape[0] < truth.shape[0]:
        raise ValueError(f"forecast has {forecast.shape[0]} points, fewer than the {truth.shape[0]} scored ones")
    return truth, forecast[: truth.shape[0]]


# --------------------------------------------------------------------------- darts' naive models


def naive_mean(fit: np.ndarray, horizon: int) -> np.ndarray:
    """darts ``NaiveMean``: the mean of the fitted series, repeated."""
    return np.full(int(horizon), np.mean(np.asarray(fit, dtype=float)))


def naive_seasonal(fit: np.ndarray, horizon: int, period: int = 1) -> np.ndarray:
    """darts ``NaiveSeasonal(K=period)``: the last ``period`` values repeated (K=1, the default: persistence)."""
    last = np.asarray(fit, dtype=float)[-int(period):]
    return np.array([last[i % int(period)] for i in range(int(horizon))])


def naive_drift(fit: np.ndarray, horizon: int) -> np.ndarray:
    """darts ``NaiveDrift``: the line through the first and last fitted values, continued from the last.

    Computed as darts does (``linspace`` from the last value to last + slope * horizon), which
    reproduces its forecasts bit for bit.
    """
    fit = np.asarray(fit, dtype=float)
    slope = (fit[-1] - fit[0]) / (len(fit) - 1)
    return np.linspace(fit[-1], fit[-1] + slope * int(horizon), num=int(horizon) + 1)[1:]


NAIVE_MODELS = {"NaiveMean": naive_mean, "NaiveSeasonal": naive_seasonal, "NaiveDrift": naive_drift}


def naive_forecasts(series: np.ndarray) -> dict[str, np.ndarray]:
    """Model name -> forecast of the horizon by each darts naive model, fitted on the fit segment."""
    fit, future, _ = split(series)
    return {name: model(fit, len(future)) for name, model in NAIVE_MODELS.items()}
