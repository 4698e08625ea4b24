"""The study's job functions on a tiny published-format data set: rows, metrics schema, summary."""

import gzip
import json

import numpy as np
import pandas as pd
import pytest

from physbench.dysts_benchmark import leaderboard_job, protocol, run, study
from physbench.io import read_parquet
from physbench.metrics import read_metrics


def test_model_and_leaderboard_jobs(tmp_path):
    t = np.arange(120)
    series = {name: 3.0 + np.sin(2 * np.pi * t / period) for name, period in (("A", 20), ("B", 30), ("C", 25))}
    for split, shift in (("train", 0.3), ("test", 0.0)):
        payload = {k: {"dt": 0.1, "values": (v + shift).tolist()} for k, v in series.items()}
        (tmp_path / f"{split}.json").write_text(json.dumps(payload))
    reference = {}
    for name, values in series.items():
        fit, future, scored = protocol.split(values)
        forecast = protocol.naive_mean(fit, len(future))
        reference[name] = {"values": scored.tolist(), "NBEATSModel": {"prediction": forecast.tolist(),
                                                                      **protocol.scores(scored, forecast)}}
    (tmp_path / "results.json.gz").write_bytes(gzip.compress(json.dumps(reference).encode()))
    spec = {"forecaster": "linear_ar", "params": {"alpha": 1e-12}, "grid": {"lags": [2, 4]}}
    rows = study.model_job(tmp_path / "train.json", tmp_path / "test.json", "linear_ar", spec,
                           {"dataset": "tiny"}, tmp_path / "rows.parquet", tmp_path / "metrics.parquet",
                           tmp_path / "forecasts.parquet")
    assert len(rows) == 3 and rows["smape"].max() < 1e-3
    assert list(read_parquet(tmp_path / "rows.parquet").columns) == list(run.COLUMNS)
    metrics = read_metrics(tmp_path / "metrics.parquet")
    assert set(metrics["metric"]) == set(study.METRIC_UNITS) and set(metrics["unit"]) == {"A", "B", "C"}
    summary = leaderboard_job.leaderboard_job([tmp_path / "rows.parquet"], tmp_path / "results.json.gz",
                                    {"bootstrap_resamples": 100, "seed": 0}, tmp_path / "per_system.parquet",
                                    tmp_path / "medians.parquet", tmp_path / "comparisons.parquet",
                                    tmp_path / "summary.json", tmp_path / "leaderboard.png",
                                    {"test": tmp_path / "test.json", "forecasts": [tmp_path / "forecasts.parquet"],
                                     "directory": tmp_path / "systems", "manifest": tmp_path / "systems.tsv",
                                     "by_system": tmp_path / "by_system.parquet"})
    assert (tmp_path / "leaderboard.png").stat().st_size > 10_000
    assert sorted(p.name for p in (tmp_path / "systems").glob("*.png")) == ["A.png", "B.png", "C.png"]
    assert list(pd.read_csv(tmp_path / "systems.tsv", sep="\t")["system"]) == ["A", "B", "C"]
    by_system = read_parquet(tmp_path / "by_system.parquet").set_index("system")
    assert list(by_system.columns) == ["linear_ar", "NBEATSModel"]
    assert by_system.loc["B", "linear_ar"] == pytest.approx(rows.set_index("system").loc["B", "smape"])
    assert summary["best_model"] == "linear_ar" and summary["models"]["linear_ar"]["wins"] == 3
    assert json.loads((tmp_path / "summary.json").read_text()) == summary
    per_system = read_parquet(tmp_path / "per_system.parquet")
    assert set(per_system["source"]) == {"physbench", "published"} and len(per_system) == 6


def test_leaderboard_without_a_reference_file(tmp_path):
    """Files of a resolution without published results: our forecasters alone, no comparisons."""
    rows = pd.DataFrame({"system": ["A", "B"], "model": "ar", "source": "physbench", "smape": [10.0, 30.0],
                         "mae": 1.0, "mse": 1.0, "fit_seconds": 0.1, "forecast_seconds": 0.1, "select_seconds": 0.1,
                         "diverged": False, "fallback": False, "hit_clip": False,
                         "params": "{}"})
    rows.to_parquet(tmp_path / "rows.parquet")
    paths = [tmp_path / name for name in ("per_system.parquet", "medians.parquet", "comparisons.parquet",
                                          "summary.json", "leaderboard.png")]
    summary = leaderboard_job.leaderboard_job([tmp_path / "rows.parquet"], None, {"bootstrap_resamples": 100}, *paths)
    assert summary["baseline"] is None and summary["baseline_median_smape"] is None and summary["n_systems"] == 2
    assert summary["best_model"] == "ar" and summary["best_median_smape"] == 20.0
    assert len(read_parquet(paths[2])) == 0


def test_forecast_jobs_do_not_rerun_for_figure_code():
    """The forecast script's code closure leaves out the figure modules that the leaderboard job uses."""
    from pathlib import Path

    from physbench.provenance import code_closure

    scripts = Path(__file__).resolve().parents[2] / "scripts"
    names = {path.name for path in code_closure(scripts / "dysts_benchmark_forecast.py")}
    assert "study.py" in names and not names & {"figures.py", "plotting.py", "leaderboard_job.py"}
    leaderboard = {path.name for path in code_closure(scripts / "dysts_benchmark_leaderboard.py")}
    assert {"figures.py", "plotting.py"} <= leaderboard
