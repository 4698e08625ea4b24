"""The dysts_benchmark study on files it integrates itself at 15 points per period, through Snakemake."""

import json

import pandas as pd
import pytest

from physbench.dysts_benchmark.data import read_series
from physbench.io import read_parquet
from tests.conftest import QUICK_CONFIG, copy_project, run_snakemake

pytestmark = pytest.mark.workflow


def test_the_15_point_variant_generates_its_files_and_runs_with_the_same_settings(tmp_path):
    project = copy_project(tmp_path / "project")
    run_snakemake(project, "dysts_benchmark", configfiles=(QUICK_CONFIG, "configs/dysts_benchmark_15ppp.yaml"))
    generated = project / "results-dysts15/dysts_benchmark/generated"
    test = read_series(generated / "test_univariate__pts_per_period_15__periods_12.json.gz")
    assert set(test) == {"Lorenz", "Rossler", "MackeyGlass"} and {len(v) for v in test.values()} == {180}
    summary = json.loads((project / "results-dysts15/dysts_benchmark/summary.json").read_text())
    assert summary["baseline"] is None and summary["n_systems"] == 3 and summary["best_median_smape"] < 200
    # The quick configuration splits the systems into 2 chunks, one job each: 2 systems, then 1.
    for chunk, count in ((0, 2), (1, 1)):
        log = (project / f"logs-dysts15/dysts_benchmark/forecast_esn_{chunk}.log").read_text()
        assert f"esn {count}/{count}" in log
    chunks = sorted((project / "results-dysts15/dysts_benchmark/rows/esn").glob("chunk*.parquet"))
    rows = pd.concat([read_parquet(p) for p in chunks])
    assert sorted(rows["system"]) == sorted(test)
    gallery = pd.read_csv(project / "results-dysts15/dysts_benchmark/figures/systems.tsv", sep="\t")
    assert sorted(gallery["system"]) == sorted(test)  # one forecast figure per system, without a reference file
    assert {json.loads(p)["washout"] for p in rows["params"] if "washout" in p} == {15}  # 1 period at 15 points
