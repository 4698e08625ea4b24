"""The leaderboard job of the dysts_benchmark study: our forecasters' rows beside the published
ones (paths in, files out). Apart from the forecast jobs (:mod:`physbench.dysts_benchmark.study`),
so that a change to the figures reruns this job alone.

- :func:`leaderboard_job`: our rows plus the reference file -> ``per_system.parquet``, the medians
  with bootstrap intervals, the comparisons against every published model, ``summary.json``, the
  leaderboard figure and the gallery of systems.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import pandas as pd

from physbench.dysts_benchmark import leaderboard, protocol, run
from physbench.dysts_benchmark.data import read_reference, read_series
from physbench.dysts_benchmark.figures import leaderboard_figure, system_figures
from physbench.io import read_parquet, write_json, write_parquet
from physbench.plotting import save_gallery


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
