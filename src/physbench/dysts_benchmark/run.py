"""Our registered forecasters run by the published protocol, hyper-parameters chosen on the train file.

A model spec is the chaos study's: ``{"forecaster": registry name, "params": {...}, "grid": {name:
[values]}}``. Per system:

1. **Selection, on the train file only.** Every grid combination is run by the protocol on the
   system's train series (fit on its first 5/6, free run over the rest) and scored by sMAPE on
   the points the benchmark scores. A candidate whose free run, continued to ``free_run_factor``
   times the horizon, is non-finite or leaves +-``clip_sd`` training standard deviations is
   rejected as diverging. Candidates are ranked by sMAPE.
2. **Test.** The best candidate is fitted on the test series' first 5/6 and forecasts the rest. If
   its forecast leaves +-``clip_sd`` (it "hits the clip"), the next stable candidate is used, and
   the training mean if none is left. Scores are in the series' units.

Series are standardised with the fit segment's mean and standard deviation before they reach a
forecaster and forecasts are transformed back, so a forecaster always sees standardised arrays.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from physbench.chaos.forecasters import grid_candidates, make_forecaster
from physbench.dysts_benchmark import protocol

log = logging.getLogger(__name__)

SOURCE = "physbench"
COLUMNS = ("system", "model", "source", "smape", "mae", "mse", "fit_seconds", "forecast_seconds",
           "select_seconds", "hit_clip", "fallback", "params")
DEFAULT_CLIP_SD = 10.0
DEFAULT_FREE_RUN_FACTOR = 3


def forecast(kind: str, params: Mapping, fit: np.ndarray, horizon: int) -> tuple[np.ndarray, float, float]:
    """Fit ``kind`` on a univariate fit segment and free-run ``horizon`` points after it.

    Returns (forecast in the series' units, fit seconds, forecast seconds). The whole fit segment
    is the context (a forecaster reads its last ``context_points``).
    """
    fit = np.asarray(fit, dtype=float)
    mean, std = _scale(fit)
    z = ((fit - mean) / std)[:, None]
    start = time.process_time()
    model = make_forecaster(kind, dict(params)).fit(z)
    fitted = time.process_time()
    pred = model.predict(z, int(horizon))[:, 0]
    done = time.process_time()
    return mean + std * pred, fitted - start, done - fitted


def _scale(fit: np.ndarray) -> tuple[float, float]:
    """Mean and standard deviation of a fit segment (1 for a constant one): the standardisation."""
    return fit.mean(), fit.std() or 1.0


def _leaves_bound(values: np.ndarray, fit: np.ndarray, clip_sd: float) -> bool:
    """True when a forecast is non-finite or leaves +-clip_sd standard deviations of the fit segment."""
    mean, std = _scale(fit)
    z = (np.asarray(values) - mean) / std
    return not bool(np.all(np.isfinite(z)) and np.all(np.abs(z) < clip_sd))


def rank_candidates(kind: str, options: list[dict], train_series: np.ndarray, clip_sd: float = DEFAULT_CLIP_SD,
                    free_run_factor: int = DEFAULT_FREE_RUN_FACTOR) -> list[tuple[float, dict]]:
    """Stable candidates ranked by their sMAPE on the train series (best first): [(smape, params)].

    Scoring follows the protocol on the train series; the free run is continued to
    ``free_run_factor`` horizons to check that it stays within +-``clip_sd`` standard deviations.
    """
    fit, future, scored = protocol.split(train_series)
    ranked = []
    for params in options:
        try:
            pred, _, _ = forecast(kind, params, fit, max(1, int(free_run_factor)) * len(future))
        except (np.linalg.LinAlgError, ValueError, FloatingPointError) as err:
            log.debug("candidate %s %s failed: %s", kind, params, err)
            continue
        if _leaves_bound(pred, fit, clip_sd):
            continue
        ranked.append((protocol.smape(scored, pred[: len(future)]), params))
    ranked.sort(key=lambda item: item[0])
    return ranked


def run_system(name: str, kind: str, spec: Mapping, train_series: np.ndarray, test_series: np.ndarray,
               clip_sd: float = DEFAULT_CLIP_SD, free_run_factor: int = DEFAULT_FREE_RUN_FACTOR) -> dict:
    """One (system, model) row: select on ``train_series``, score on ``test_series`` (both univariate)."""
    options = grid_candidates(spec)
    start = time.process_time()
    if len(options) > 1:
        ranked = [params for _, params in rank_candidates(kind, options, train_series, clip_sd, free_run_factor)]
    else:
        ranked = options
    select_seconds = time.process_time() - start
    fit, future, scored = protocol.split(test_series)
    fit_seconds = forecast_seconds = 0.0
    hit_clip, fallback, chosen = False, False, None
    for params in ranked:
        pred, fit_s, forecast_s = forecast(kind, params, fit, len(future))
        fit_seconds, forecast_seconds = fit_seconds + fit_s, forecast_seconds + forecast_s
        if not _leaves_bound(pred, fit, clip_sd):
            chosen = params
            break
        hit_clip = True
    if chosen is None:  # nothing stable: the climatology of the fit segment
        pred, chosen, fallback = protocol.naive_mean(fit, len(future)), {"fallback": "mean"}, True
    fallback = fallback or (hit_clip and chosen is not ranked[0])
    return {"system": name, "model": spec.get("name", kind), "source": SOURCE, **protocol.scores(scored, pred),
            "fit_seconds": fit_seconds, "forecast_seconds": forecast_seconds, "select_seconds": select_seconds,
            "hit_clip": hit_clip, "fallback": fallback, "params": json.dumps(chosen, sort_keys=True)}


def run_model(model: str, spec: Mapping, train: Mapping[str, np.ndarray], test: Mapping[str, np.ndarray],
              systems: Iterable[str] | None = None, clip_sd: float = DEFAULT_CLIP_SD,
              free_run_factor: int = DEFAULT_FREE_RUN_FACTOR) -> pd.DataFrame:
    """Per-system rows (:data:`COLUMNS`) of one configured model over the systems of both files.

    ``train`` and ``test`` map system names to univariate series (:func:`data.read_series`);
    ``systems`` restricts the run (default: every system of the test file that the train file has).
    """
    names = [s for s in (systems or test) if s in test]
    missing = [s for s in names if s not in train]
    if missing:
        raise KeyError(f"systems {missing} are in the test file but not in the train file; hyper-parameters are "
                       "chosen on the train file, so every scored system needs a train series")
    spec = {**spec, "name": model}
    rows = []
    for i, name in enumerate(names):
        rows.append(run_system(name, spec["forecaster"], spec, train[name], test[name], clip_sd, free_run_factor))
        log.info("%s %d/%d %s: sMAPE %.1f", model, i + 1, len(names), name, rows[-1]["smape"])
    return pd.DataFrame(rows, columns=list(COLUMNS))


def naive_rows(test: Mapping[str, np.ndarray], systems: Iterable[str] | None = None) -> pd.DataFrame:
    """Our rebuild of darts' naive models as per-system rows (model names as darts spells them)."""
    rows = []
    for name in systems or test:
        fit, future, scored = protocol.split(test[name])
        for model, function in protocol.NAIVE_MODELS.items():
            rows.append({"system": name, "model": model, "source": SOURCE,
                         **protocol.scores(scored, function(fit, len(future))), "fit_seconds": 0.0,
                         "forecast_seconds": 0.0, "select_seconds": 0.0, "hit_clip": False, "fallback": False,
                         "params": "{}"})
    return pd.DataFrame(rows, columns=list(COLUMNS))


def total_seconds(rows: pd.DataFrame) -> float:
    """CPU seconds of selection, fitting and forecasting summed over rows."""
    return float(rows[["select_seconds", "fit_seconds", "forecast_seconds"]].sum().sum()) if len(rows) else math.nan
