"""The SuperCon study through Snakemake on the quick configuration."""

import json

import numpy as np
import pytest
import yaml

from physbench.io import read_parquet
from physbench.metrics import read_metrics
from tests.conftest import REPO

pytestmark = pytest.mark.workflow  # runs Snakemake, git or DVC: not in the fast tier


def quick_grid():
    config = yaml.safe_load((REPO / "tests/config/quick.yaml").read_text())["studies"]["supercon"]
    return {(f, s, m) for f, schemes in config["grid"].items() for s, models in schemes.items() for m in models}


def test_aggregated_metrics_cover_the_grid(quick_run):
    metrics = read_metrics(quick_run / "results-quick/supercon/metrics.parquet")
    assert set(metrics["study"]) == {"supercon"}
    cells = set(map(tuple, metrics[["setting", "split", "model"]].drop_duplicates().to_numpy()))
    assert cells == quick_grid()
    rmse = metrics[(metrics["metric"] == "rmse") & (metrics["unit"] == "all")]
    assert np.isfinite(rmse["value"]).all() and (rmse["value"] > 0).all()
    assert metrics["data_sha256"].nunique() == 1 and metrics["config_hash"].str.len().eq(16).all()
    # Scores exist per family too, and the quick subsample is what was scored.
    assert {"all", "cuprate", "other"} <= set(metrics["unit"])
    n_test = metrics[(metrics["metric"] == "n_test") & (metrics["unit"] == "all") & (metrics["split"] == "kfold5")]
    assert n_test.groupby("model")["value"].sum().eq(1500).all()


def test_models_beat_the_mean_baseline(quick_run):
    board = read_parquet(quick_run / "results-quick/supercon/leaderboard.parquet")
    board = board.set_index(["featuriser", "split", "model"])
    mean_rmse = board.loc[("hamidieh", "hamidieh25", "mean"), "rmse_mean"]
    for model in ("linear", "random_forest", "xgboost"):
        assert board.loc[("hamidieh", "hamidieh25", model), "rmse_mean"] < 0.8 * mean_rmse, model


def test_summary_and_figures(quick_run):
    summary = json.loads((quick_run / "results-quick/supercon/summary.json").read_text())
    assert summary["best_setting"] == "hamidieh/hamidieh25" and summary["best_model"] != "mean"
    assert summary["n_materials_tested"] == 1500  # k-fold tests every material once
    for figure in ("parity", "rmse_by_model", "feature_importance"):
        png = (quick_run / f"results-quick/supercon/figures/{figure}.png").read_bytes()
        assert png.startswith(b"\x89PNG") and len(png) > 10_000


def test_split_index_files_are_written(quick_run):
    split = read_parquet(quick_run / "results-quick/supercon/splits/group_kfold5.parquet")
    materials = read_parquet(quick_run / "results-quick/supercon/materials.parquet")
    assert sorted(split["row"]) == list(range(len(materials)))
    by_fold = split.assign(composition=materials["composition"].to_numpy()[split["row"]])
    assert by_fold.groupby("composition")["fold"].nunique().eq(1).all()
