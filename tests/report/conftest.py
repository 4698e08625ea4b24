"""Fixtures of the report tests: a small synthetic results tree, and headless chromium under Playwright."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from physbench.io import save_figure, write_json, write_parquet
from physbench.metrics import metrics_frame, undefined_note, write_metrics
from physbench.plotting import plt
from physbench.provenance import Provenance, sha256_file

HERE = Path(__file__).parent
MANIFEST = HERE.parents[1] / "data/snapshots/supercon/MANIFEST.tsv"
DATASETS = {
    "supercon": {"manifest": str(MANIFEST), "manifest_sha256": sha256_file(MANIFEST),
                 "upstream": {"unique_m.csv": {"url": "https://example.org/data.zip",
                                               "archive_member": "unique_m.csv"}}},
}


def _figure(path: Path, title: str) -> None:
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1, 2], [0, 1, 4])
    ax.set_title(title)
    save_figure(fig, path)


# What SuperCon's summary.json adds to the common synthetic one: the best cell of its leaderboard.
SUPERCON_BEST = {"best_setting": "hamidieh/hamidieh25", "best_n_folds": 25, "best_rmse_pooled_kelvin": 9.4004,
                 "best_r2": 0.9248, "best_pearson_r2": 0.92613}


def write_study(results: Path, study: str, dataset_sha: str, failed_unit: str | None = None,
                summary: dict | None = None, undefined_metric: str | None = None) -> None:
    """results/<study>/{metrics.parquet, summary.json (common keys and ``summary``), figures/*.png} and a
    benchmark file. xgboost fails on ``failed_unit`` (NaN values with a failure note); ``undefined_metric``
    adds that metric for ridge on unit ``all``, undefined by construction on every fold."""
    rows = []
    for model, level in (("ridge", 18.0), ("xgboost", 9.0)):
        for fold in range(3):
            for unit in ("all", "cuprate"):
                value = np.nan if (unit == failed_unit and model == "xgboost") else level + fold * 0.1
                rows.append({"study": study, "dataset": "supercon", "setting": "hamidieh", "unit": unit,
                             "model": model, "split": "kfold", "fold": fold, "metric": "rmse", "value": value,
                             "metric_unit": "K", "note": "fit failed: singular matrix" if np.isnan(value) else None})
    if undefined_metric is not None:
        rows += [{"study": study, "dataset": "supercon", "setting": "hamidieh", "unit": "all", "model": "ridge",
                  "split": "kfold", "fold": fold, "metric": undefined_metric, "value": np.nan, "metric_unit": "1",
                  "note": undefined_note("correlation of a constant prediction")} for fold in range(3)]
    write_metrics(metrics_frame(rows, Provenance("0.1.0", f"cfg-{study}", dataset_sha, "abc123")),
                  results / study / "metrics.parquet")
    write_json(results / study / "summary.json", {
        "best_model": "xgboost", "best_rmse_kelvin": 9.1, "n_failed": 1, "not_finite": float("nan"),
        "ranking": [{"model": "xgboost", "median_vpt": 1.5, "vpt_ci_low": 1.0, "vpt_ci_high": 2.0}],
        "per_model": {"ridge": {"rmse": 18.1}, "xgboost": {"rmse": 9.1}},
    } | (summary or {}))
    for name in ("parity", "rmse_by_model"):
        _figure(results / study / "figures" / f"{name}.png", f"{study} {name}")
    bench = results / "benchmarks" / study / "fit"
    bench.mkdir(parents=True, exist_ok=True)
    for job, seconds in (("a", 2.0), ("b", 5.5)):
        (bench / f"{job}.tsv").write_text(f"s\th:m:s\tmax_rss\tcpu_time\n{seconds}\t0:00:0{int(seconds)}\t100.5\t1.5\n")


@pytest.fixture
def synthetic_results(tmp_path) -> Path:
    """A results tree with SuperCon (registered page, leaderboard) and ``toy`` (no page module)."""
    from physbench.data.manifest import load_manifest

    results = tmp_path / "results"
    sha = load_manifest("supercon", DATASETS["supercon"]).checksum
    write_study(results, "supercon", sha, failed_unit="cuprate", summary=SUPERCON_BEST, undefined_metric="pearson_r2")
    write_study(results, "toy", sha)
    write_parquet(results / "supercon" / "leaderboard.parquet", pd.DataFrame({
        "featuriser": ["hamidieh", "hamidieh"], "split": ["kfold", "kfold"], "model": ["xgboost", "ridge"],
        "n_folds": [3, 3], "rmse_mean": [9.1, 18.1], "rmse_std": [0.1, 0.1], "r2_mean": [0.92, 0.71],
        "r2_std": [0.004, 0.01]}))
    captions = tmp_path / "workflow/report"
    captions.mkdir(parents=True)
    (captions / "supercon_parity.rst").write_text("Predicted against observed ``T_c`` (K).\n")
    return results


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of a chromium binary; installed with apt-get when missing (skips where that is impossible)."""
    result = subprocess.run(["sh", str(HERE / "ensure_chromium.sh")], capture_output=True, text=True, timeout=900,
                            env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    if result.returncode != 0:
        pytest.skip(f"headless chromium unavailable, browser test skipped: {result.stderr.strip()[-500:]}")
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def browser(chromium):
    """Playwright (sync API) driving the ``chromium`` binary; no browser of Playwright's own is downloaded."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def artefacts(tmp_path_factory) -> Path:
    """Where browser screenshots go: $PHYSBENCH_ARTEFACTS, or a session temp folder."""
    path = Path(os.environ.get("PHYSBENCH_ARTEFACTS") or tmp_path_factory.mktemp("artefacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path
