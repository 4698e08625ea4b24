"""Job functions of the dysts_benchmark study: what a rule's script calls (paths in, files out).

- :func:`model_job`: one configured forecaster over a chunk of the systems (train file for
  selection, test file for scoring) -> its per-system rows (Parquet, :data:`run.COLUMNS`), scored
  forecasts and metrics in the common schema.
- :func:`leaderboard_job`: our rows plus the reference file -> ``per_system.parquet``, the medians
  with bootstrap intervals, the comparisons against every published model and ``summary.json``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence

import pandas as pd

from physbench.dysts_benchmark import leaderboard, protocol, run
from physbench.dysts_benchmark.data import BenchmarkFileError, points_per_period, read_reference, read_series
from physbench.dysts_benchmark.figures import leaderboard_figure, system_figures
from physbench.dysts_benchmark.generate import generate_files
from physbench.io import read_parquet, write_json, write_parquet
from physbench.metrics import metrics_frame, write_metrics
from physbench.plotting import save_gallery
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


def leaderboard_job(rows_paths: Sequence[str | os.PathLike], reference_path: str | os.PathLike | None,
                    settings: Mapping, per_system_path, medians_path, comparisons_path, summary_path,
                    figure_path, gallery: Mapping | None = None) -> dict:
    """Combine our rows with the published ones and write the leaderboard files; returns the summary.

    ``gallery`` (optional): ``test`` (the test file), ``forecasts`` (our forecast files), ``directory``,
    ``manifest`` and ``by_system``: one figure per system of the scored truth, our forecasts and the
    baseline's published one (:func:`physbench.plotting.save_gallery`), and a table with one row per
    system of every model's sMAPE (ours and the baseline).

    Without a reference file (files of a resolution the benchmark published no results for) the
    leaderboard holds our forecasters alone.

    ``settings``: ``bootstrap_resamples``, ``seed``, optional ``baseline`` (default N-BEATS) and
    ``systems`` (the run's restriction: every model is then summarised over those systems only).
    """
    reference = read_reference(reference_path) if reference_path else {}
    table = leaderboard.per_system_table([read_parquet(p) for p in rows_paths], reference)
    medians = leaderboard.medians(table, systems=settings.get("systems"),
                                  n_resamples=settings.get("bootstrap_resamples", 2000), seed=settings.get("seed", 0))
    comparisons = leaderboard.comparisons(table)
    write_parquet(per_system_path, table)
    write_parquet(medians_path, medians)
    write_parquet(comparisons_path, comparisons)
    baseline = settings.get("baseline", leaderboard.BASELINE)
    ours = medians[medians["source"] == run.SOURCE]
    best = ours.iloc[0] if len(ours) else None
    against = comparisons[comparisons["against"] == baseline].set_index("model")
    summary = {"baseline": baseline if reference else None, "n_systems": int(medians["n_systems"].max()),
               "best_model": None if best is None else best["model"],
               "best_median_smape": None if best is None else float(best["median_smape"]),
               "baseline_median_smape": float(medians.set_index("model").loc[baseline, "median_smape"])
               if baseline in set(medians["model"]) else None,
               "models": {row.model: {"median_smape": row.median_smape, "ci": [row.smape_ci_low, row.smape_ci_high],
                                      "total_cpu_seconds": row.total_cpu_seconds, "diverged": row.diverged,
                                      "hit_clip": row.hit_clip,
                                      **({k: against.loc[row.model, k] for k in ("wins", "losses", "wilcoxon_p")}
                                         if row.model in against.index else {})}
                          for row in ours.itertuples()}}
    summary = _plain(summary)
    leaderboard_figure(medians, baseline, figure_path)
    if gallery is not None:
        models = [*ours["model"], *([baseline] if baseline in set(medians["model"]) else [])]
        write_parquet(gallery["by_system"], by_system_table(table, models))
        forecasts = pd.concat([read_parquet(p) for p in gallery["forecasts"]], ignore_index=True)
        truth = {name: protocol.split(series)[2] for name, series in read_series(gallery["test"]).items()
                 if name in set(forecasts["system"])}
        published = {name: system.models[baseline].prediction for name, system in reference.items()
                     if baseline in system.models}
        save_gallery(system_figures(truth, forecasts, list(ours["model"]), published, baseline), gallery["directory"],
                     gallery["manifest"], "system")
    write_json(summary_path, summary)
    return summary


def by_system_table(table: pd.DataFrame, models: Sequence[str]) -> pd.DataFrame:
    """One row per system: the sMAPE (0-200) of each of ``models`` (in that order), from the per-system table."""
    chosen = table[table["model"].isin(list(models))]
    wide = chosen.pivot_table(index="system", columns="model", values="smape", aggfunc="first")
    return wide.reindex(columns=[m for m in models if m in wide.columns]).reset_index().rename_axis(columns=None)


def _plain(obj):
    """numpy scalars -> Python numbers, recursively (for JSON)."""
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    return obj.item() if hasattr(obj, "item") else obj
