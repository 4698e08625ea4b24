"""The chaos study through Snakemake on the quick configuration."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from physbench.io import read_parquet
from physbench.metrics import read_metrics
from physbench.provenance import sha256_file

pytestmark = pytest.mark.workflow  # runs Snakemake, git or DVC: not in the fast tier

REPO = Path(__file__).resolve().parents[2]


def quick_settings():
    base = yaml.safe_load((REPO / "config.yaml").read_text())["studies"]["chaos"]
    quick = yaml.safe_load((REPO / "tests/config/quick.yaml").read_text())["studies"]["chaos"]
    return base, quick


def test_aggregated_metrics_cover_systems_forecasters_settings_origins(quick_run):
    base, quick = quick_settings()
    metrics = read_metrics(quick_run / "results-quick/chaos/metrics.parquet")
    assert set(metrics["study"]) == {"chaos"}
    assert set(metrics["unit"]) == set(quick["systems"]["include"])
    assert set(metrics["model"]) == set(base["forecasters"])
    assert set(metrics["setting"]) == set(base["settings"])
    test = metrics[metrics["split"] == "test"]
    assert set(test["fold"]) == set(range(quick["protocol"]["n_origins"]))
    vpt = test[test["metric"] == "vpt"]
    assert np.isfinite(vpt["value"]).all() and (vpt["value"] >= 0).all()
    assert (vpt["metric_unit"] == "lyapunov_times").all()
    smape = test[test["metric"].str.startswith("smape")]["value"]
    assert ((smape >= 0) & (smape <= 200)).all()
    assert metrics["data_sha256"].nunique() == 1


def test_trajectory_cache_and_systems_table(quick_run):
    systems = read_parquet(quick_run / "results-quick/chaos/systems.parquet").set_index("system")
    assert (systems["status"] == "ok").all()
    assert systems.loc["MackeyGlass", "n_channels"] == 1 and systems.loc["Lorenz", "n_channels"] == 3
    trajectories = read_parquet(quick_run / "results-quick/chaos/trajectories.parquet")
    assert trajectories.groupby("system").size().to_dict() == systems["n_points"].to_dict()


def test_lorenz_ordering_and_report(quick_run):
    summary = json.loads((quick_run / "results-quick/chaos/summary.json").read_text())
    assert summary["n_systems"] == 3 and summary["n_failed_systems"] == 0
    lorenz = summary["median_vpt_by_system"]["Lorenz"]["multivariate"]
    # Even on the short quick protocol the nonlinear maps outlast the baselines on Lorenz.
    assert lorenz["nvar_cubic"] > 2.0 and lorenz["esn"] > 2.0
    assert lorenz["persistence"] < 0.5 and lorenz["mean"] < 0.5
    table = read_parquet(quick_run / "results-quick/chaos/per_system.parquet")
    assert len(table) == 3 * len(summary["ranking"]["multivariate"]) * len(summary["ranking"])
    for name in ("ranking", "vpt_vs_lyapunov", "forecast_panels"):
        assert (quick_run / f"results-quick/chaos/figures/{name}.png").stat().st_size > 10_000
    # The report's gallery: one figure per system, listed with its checksum.
    gallery = pd.read_csv(quick_run / "results-quick/chaos/figures/systems.tsv", sep="\t")
    assert sorted(gallery["system"]) == sorted(summary["median_vpt_by_system"])
    for row in gallery.itertuples():
        assert sha256_file(quick_run / "results-quick/chaos/figures/systems" / row.file) == row.sha256
