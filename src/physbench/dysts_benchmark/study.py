"""Job functions of the dysts_benchmark study's forecasts: what a rule's script calls (paths in, files out).

- :func:`model_job`: one configured forecaster over a chunk of the systems (train file for
  selection, test file for scoring) -> its per-system rows (Parquet, :data:`run.COLUMNS`), scored
  forecasts and metrics in the common schema.
- :func:`generate_job`: train and test files at another resolution.

The leaderboard job lives in :mod:`physbench.dysts_benchmark.leaderboard_job`, so that the forecast
jobs do not import (and rerun for changes to) the figure code.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence

import pandas as pd

from physbench.dysts_benchmark import run
from physbench.dysts_benchmark.data import BenchmarkFileError, points_per_period, read_series
from physbench.dysts_benchmark.generate import generate_files
from physbench.io import write_parquet
from physbench.metrics import metrics_frame, write_metrics
from physbench.provenance import Provenance, sha256_file

log = logging.getLogger(__name__)

STUDY = "dysts_benchmark"
METRIC_UNITS = {"smape": "percent_0_200", "mae": "system_units", "mse": "system_units_squared",
                "fit_seconds": "s", "forecast_seconds": "s", "select_seconds": "s"}


def metrics_rows(rows: pd.DataFrame, dataset: str, setting: str = "univariate") -> list[dict]:
    """Per-system rows -> long-format metric rows (unit = system, split = test, fold = 0)."""
    return [{"study": STUDY, "dataset": dataset, "setting": setting, "unit": row.system, "model": row.model,
             "split": "test", "fold": 0, "metric": metric, "value": float(getattr(row, metric)),
             "metric_unit": unit, "note": "diverged" if row.diverged else None}
            for row in rows.itertuples() for metric, unit in METRIC_UNITS.items()]


def model_job(train_path: str | os.PathLike, test_path: str | os.PathLike, model: str, spec: Mapping,
              settings: Mapping, rows_path: str | os.PathLike, metrics_path: str | os.PathLike,
              forecasts_path: str | os.PathLike | None = None, chunk: int = 0, n_chunks: int = 1) -> pd.DataFrame:
    """Run ``spec`` ({forecaster, params, grid}) by the published protocol on the ``chunk``-th of
    ``n_chunks`` slices of the systems; write its rows, metrics and (when ``forecasts_path`` is given)
    scored forecasts (:func:`run.forecast_frame`).

    ``settings``: ``dataset`` (name in the metrics), optional ``clip_sd``, ``free_run_factor`` and
    ``origins`` (:class:`run.Stability`), ``systems`` (a list restricting the run) and
    ``points_per_period`` (default: from the file names; needed when the spec sets ``periods``).
    """
    resolution = (files_points_per_period(train_path, test_path, settings.get("points_per_period"))
                  if spec.get("periods") else None)
    train, test = read_series(train_path), read_series(test_path)
    rows = run.run_model(model, spec, train, test, settings.get("systems"), run.Stability.from_settings(settings),
                         resolution, chunk, n_chunks)
    write_parquet(rows_path, rows[list(run.COLUMNS)])
    if forecasts_path is not None:
        write_parquet(forecasts_path, run.forecast_frame(rows))
    provenance = Provenance.for_job({"model": model, "spec": dict(spec), "settings": dict(settings)},
                                    sha256_file(test_path))
    write_metrics(metrics_frame(metrics_rows(rows, settings["dataset"]), provenance), metrics_path)
    return rows


def generate_job(systems_from: str | os.PathLike, systems: Sequence[str] | None, wildcards: Mapping,
                 settings: Mapping, train_path, test_path, workers: int = 1) -> dict:
    """Integrate ``systems`` (default: every system of the file ``systems_from``) at the resolution
    of the ``ppp`` and ``periods`` wildcards and write the train and test files."""
    names = list(systems) if systems else list(read_series(systems_from))
    counts = generate_files(names, int(wildcards["ppp"]), int(wildcards["periods"]), dict(settings), train_path,
                            test_path, workers)
    log.info("wrote %(systems)d systems of %(points)d points (%(left_out)d left out)", counts)
    return counts


def files_points_per_period(train_path, test_path, configured: float | None = None) -> float:
    """The points per period of both files: ``configured``, or read from their names (which must agree)."""
    if configured is not None:
        return float(configured)
    train, test = points_per_period(train_path), points_per_period(test_path)
    if train != test:
        raise BenchmarkFileError(f"{train_path} has {train} points per period but {test_path} has {test}: "
                                 "hyper-parameters chosen on one resolution do not carry over to another")
    return float(test)
