"""Our registered forecasters run by the published protocol, hyper-parameters chosen on the train file.

A model spec is the chaos study's: ``{"forecaster": registry name, "params": {...}, "grid": {name:
[values]}}``, plus ``periods``: length parameters in dominant periods. Per system:

1. **Selection, on the train file only.** Every grid combination is run by the protocol on the
   system's train series (fit on its first 5/6, free run over the rest) and scored by sMAPE on
   the points the benchmark scores. A candidate whose free run, continued to ``free_run_factor``
   times the horizon from the end of the fit segment or from ``origins`` earlier points of it,
   is non-finite or leaves +-``clip_sd`` training standard deviations is rejected as diverging
   (:class:`Stability`). Candidates are ranked by sMAPE.
2. **Test.** The best candidate is fitted on the test series' first 5/6 and forecasts the rest.
   If its forecast leaves +-``clip_sd`` (a check that needs no future value), the row is marked
   ``diverged`` and the next stable candidate is used, and the fit segment's mean if none is
   left, so no scored forecast hits the clip. Scores are in the series' units. (Checking the
   test fit's free runs from earlier origins as well replaced 24 of 131 ESN forecasts instead of
   4, with no gain in the median: that check is left to selection.)

Series are standardised with the fit segment's mean and standard deviation before they reach a
forecaster and forecasts are transformed back, so a forecaster always sees standardised arrays.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from physbench.chaos.forecasters import grid_candidates, make_forecaster
from physbench.chunks import chunk_of
from physbench.dysts_benchmark import protocol

log = logging.getLogger(__name__)

SOURCE = "physbench"
COLUMNS = ("system", "model", "source", "smape", "mae", "mse", "fit_seconds", "forecast_seconds",
           "select_seconds", "diverged", "fallback", "hit_clip", "params")


@dataclass(frozen=True)
class Stability:
    """When a free run counts as diverged: it is non-finite or leaves +-``clip_sd`` standard
    deviations of the fit segment. Selection runs each candidate ``free_run_factor`` horizons from
    the end of the train series' fit segment and from ``origins`` earlier points of it."""

    clip_sd: float = 10.0
    free_run_factor: int = 2
    origins: int = 4

    @classmethod
    def from_settings(cls, settings: Mapping) -> Stability:
        return cls(**{f.name: settings[f.name] for f in fields(cls) if settings.get(f.name) is not None})


def free_runs(kind: str, params: Mapping, fit: np.ndarray, horizon: int,
              stability: Stability = Stability()) -> tuple[np.ndarray, float, float]:
    """Fit ``kind`` on a univariate fit segment and free-run it ``stability.free_run_factor * horizon``
    points from its end, with the whole segment as context, and from ``stability.origins`` points
    spread over it (one batched forecast, each from as many points before its origin as the
    earliest one has). Reservoirs synchronise over their whole context: a leaky one keeps a
    memory of its zero start for several hundred points, so the forecast reads the whole segment.

    Returns (runs in the series' units, shape (origins + 1, points), the run from the end last;
    fit seconds; forecast seconds).
    """
    fit = np.asarray(fit, dtype=float)
    mean, std = _scale(fit)
    z = ((fit - mean) / std)[:, None]
    start = time.process_time()
    model = make_forecaster(kind, dict(params)).fit(z)
    fitted = time.process_time()
    steps = stability.free_run_factor * int(horizon)
    runs = model.predict(z, steps)[None]
    earlier = _origins(len(z), model.context_points, stability.origins)[:-1]
    if earlier:  # equal-length contexts, as long as the earliest origin allows
        runs = np.concatenate([model.predict(np.stack([z[end - earlier[0]:end] for end in earlier]), steps), runs])
    return mean + std * runs[:, :, 0], fitted - start, time.process_time() - fitted


def forecast(kind: str, params: Mapping, fit: np.ndarray, horizon: int) -> tuple[np.ndarray, float, float]:
    """The forecast of ``horizon`` points after a fit segment (:func:`free_runs` from its end alone)."""
    runs, fit_seconds, forecast_seconds = free_runs(kind, params, fit, horizon, Stability(origins=0, free_run_factor=1))
    return runs[-1], fit_seconds, forecast_seconds


def _scale(fit: np.ndarray) -> tuple[float, float]:
    """Mean and standard deviation of a fit segment (1 for a constant one): the standardisation."""
    return fit.mean(), fit.std() or 1.0


def _leaves_bound(values: np.ndarray, fit: np.ndarray, clip_sd: float) -> bool:
    """True when a forecast is non-finite or leaves +-clip_sd standard deviations of the fit segment."""
    mean, std = _scale(fit)
    z = (np.asarray(values) - mean) / std
    return not bool(np.all(np.isfinite(z)) and np.all(np.abs(z) < clip_sd))


def rank_candidates(kind: str, options: list[dict], train_series: np.ndarray,
                    stability: Stability = Stability()) -> list[tuple[float, dict]]:
    """Stable candidates ranked by their sMAPE on the train series (best first): [(smape, params)].

    Scoring follows the protocol on the train series; a candidate is stable when none of its free
    runs (:func:`free_runs`) diverges.
    """
    fit, future, scored = protocol.split(train_series)
    ranked = []
    for params in options:
        try:
            runs, _, _ = free_runs(kind, params, fit, len(future), stability)
        except (np.linalg.LinAlgError, ValueError, FloatingPointError) as err:
            log.debug("candidate %s %s failed: %s", kind, params, err)
            continue
        if not _leaves_bound(runs, fit, stability.clip_sd):
            ranked.append((protocol.smape(scored, runs[-1, : len(future)]), params))
    ranked.sort(key=lambda item: item[0])
    return ranked


def _origins(n_points: int, context_points: int, extra: int) -> list[int]:
    """Ends of the free-run contexts: ``extra`` points spread over the fit segment, then its end."""
    first = max(1, int(context_points))
    spread = np.linspace(first, n_points, int(extra) + 2)[1:-1] if extra > 0 and n_points > first else []
    return [*sorted({int(e) for e in spread}), n_points]


def run_system(name: str, kind: str, spec: Mapping, train_series: np.ndarray, test_series: np.ndarray,
               stability: Stability = Stability(), points_per_period: float | None = None) -> dict:
    """One (system, model) row: select on ``train_series``, score on ``test_series`` (both univariate);
    its ``forecast`` holds the scored forecast points.

    ``points_per_period`` converts the spec's ``periods`` (lengths in dominant periods) to points.
    """
    options = grid_candidates(spec, points_per_period)
    start = time.process_time()
    if len(options) > 1:
        ranked = [params for _, params in rank_candidates(kind, options, train_series, stability)]
    else:
        ranked = options
    select_seconds = time.process_time() - start
    fit, future, scored = protocol.split(test_series)
    fit_seconds = forecast_seconds = 0.0
    diverged, chosen = False, None
    for params in ranked:
        pred, fit_s, forecast_s = forecast(kind, params, fit, len(future))
        fit_seconds, forecast_seconds = fit_seconds + fit_s, forecast_seconds + forecast_s
        if not _leaves_bound(pred, fit, stability.clip_sd):
            chosen = params
            break
        diverged = True
    if chosen is None:  # nothing stable: the climatology of the fit segment
        pred, chosen = protocol.naive_mean(fit, len(future)), {"fallback": "mean"}
    fallback = diverged or "fallback" in chosen
    # Measured on the forecast that is scored: does it leave +-clip_sd (it must not, after the fallbacks)?
    hit_clip = _leaves_bound(pred, fit, stability.clip_sd)
    return {"system": name, "model": spec.get("name", kind), "source": SOURCE, **protocol.scores(scored, pred),
            "fit_seconds": fit_seconds, "forecast_seconds": forecast_seconds, "select_seconds": select_seconds,
            "diverged": diverged, "fallback": fallback, "hit_clip": hit_clip,
            "params": json.dumps(chosen, sort_keys=True), "forecast": np.asarray(pred[: len(scored)], dtype=float)}


def run_model(model: str, spec: Mapping, train: Mapping[str, np.ndarray], test: Mapping[str, np.ndarray],
              systems: Iterable[str] | None = None, stability: Stability = Stability(),
              points_per_period: float | None = None, chunk: int = 0, n_chunks: int = 1) -> pd.DataFrame:
    """Per-system rows (:data:`COLUMNS` and the scored ``forecast``) of one configured model over the
    systems of both files.

    ``train`` and ``test`` map system names to univariate series (:func:`data.read_series`);
    ``systems`` restricts the run (default: every system of the test file that the train file has);
    ``points_per_period`` is the files' resolution, for lengths set in periods; the run covers the
    ``chunk``-th of ``n_chunks`` slices of those systems (:func:`physbench.chunks.chunk_of`).
    """
    names = chunk_of([s for s in (systems or test) if s in test], chunk, n_chunks)
    missing = [s for s in names if s not in train]
    if missing:
        raise KeyError(f"systems {missing} are in the test file but not in the train file; hyper-parameters are "
                       "chosen on the train file, so every scored system needs a train series")
    spec = {**spec, "name": model}
    rows = []
    for i, name in enumerate(names):
        rows.append(run_system(name, spec["forecaster"], spec, train[name], test[name], stability,
                               points_per_period))
        log.info("%s %d/%d %s: sMAPE %.1f", model, i + 1, len(names), name, rows[-1]["smape"])
    return pd.DataFrame(rows, columns=[*COLUMNS, "forecast"])


def forecast_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The ``forecast`` column of :func:`run_model`'s rows in long format: system, model, step (from 0
    at the first scored point), forecast."""
    frames = [pd.DataFrame({"system": row.system, "model": row.model, "step": np.arange(len(row.forecast)),
                            "forecast": row.forecast}) for row in rows.itertuples()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        {"system": pd.Series(dtype=str), "model": pd.Series(dtype=str), "step": pd.Series(dtype=int),
         "forecast": pd.Series(dtype=float)})


def total_seconds(rows: pd.DataFrame) -> float:
    """CPU seconds of selection, fitting and forecasting summed over rows."""
    return float(rows[["select_seconds", "fit_seconds", "forecast_seconds"]].sum().sum()) if len(rows) else math.nan
