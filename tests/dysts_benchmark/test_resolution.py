"""Resolution-independent settings: lengths in dominant periods, and benchmark files integrated at
15 points per period in the published format."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
import yaml

from physbench.chaos.forecasters import grid_candidates, lengths_in_points, make_forecaster
from physbench.dysts_benchmark import run, study
from physbench.dysts_benchmark.data import BenchmarkFileError, points_per_period, read_series
from physbench.dysts_benchmark.generate import file_name, generate_files
from physbench.workflow import ConfigError

CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"
SPEC = {"forecaster": "esn", "params": {"size": 50}, "periods": {"washout": 1.0, "leak_time": [0.002, 0.1]},
        "grid": {"alpha": [1e-8, 1e-6]}}


@pytest.mark.parametrize("resolution, washout, leak_times", [(100, 100, [0.2, 10.0]), (15, 15, [0.03, 1.5])])
def test_lengths_in_periods_become_points_at_each_resolution(resolution, washout, leak_times):
    candidates = grid_candidates(SPEC, resolution)
    assert len(candidates) == 4 and {c["washout"] for c in candidates} == {washout}
    assert sorted({c["leak_time"] for c in candidates}) == pytest.approx(leak_times)
    assert lengths_in_points("knn", {"spacing": 0.03}, 15) == {"spacing": 1}  # integer lengths: at least 1


def test_lengths_in_periods_name_the_parameter_and_need_a_resolution():
    with pytest.raises(ValueError, match=r"\['alpha'\] cannot be set in periods.*\['washout', 'leak_time'\]"):
        lengths_in_points("esn", {"alpha": 1.0}, 100)
    with pytest.raises(ValueError, match="points per period are unknown"):
        grid_candidates(SPEC)


def test_leak_time_is_a_leaky_integrator_time_constant():
    train = np.sin(np.linspace(0, 30, 300))[:, None]
    assert make_forecaster("esn", {"size": 20, "leak_time": 2.0}).fit(train).leak_ == pytest.approx(1 - math.exp(-0.5))
    assert make_forecaster("esn", {"size": 20, "leak": 0.3}).fit(train).leak_ == 0.3


def test_config_check_rejects_a_non_length_in_periods():
    from physbench.dysts_benchmark.checks import check_config

    settings = {"forecasters": {"esn": {"forecaster": "esn", "periods": {"size": 1.0}}}}
    with pytest.raises(ConfigError, match=r"studies.dysts_benchmark.forecasters.esn.periods: .*'size'"):
        check_config(settings, {})


def test_points_per_period_from_published_names(tmp_path):
    assert points_per_period("x/test_univariate__pts_per_period_15__periods_12.json.gz") == 15
    with pytest.raises(BenchmarkFileError, match="set studies.dysts_benchmark.points_per_period"):
        points_per_period("my_series.json")
    with pytest.raises(BenchmarkFileError, match="do not carry over"):
        study.files_points_per_period(file_name("train", 100, 12), file_name("test", 15, 12))
    assert study.files_points_per_period("a.json", "b.json", 20) == 20.0


def test_files_at_15_points_per_period_run_with_the_same_configuration(tmp_path):
    """Integrate three systems at 15 points per period with dysts, write both files in the published
    format, and run the configured linear_ar (spacing in periods) on them by the protocol."""
    config = yaml.safe_load(CONFIG.read_text())["studies"]["dysts_benchmark"]
    train_path, test_path = tmp_path / file_name("train", 15, 12), tmp_path / file_name("test", 15, 12)
    counts = generate_files(["Lorenz", "Rossler", "MackeyGlass"], 15, 12, config["generate"], train_path, test_path)
    assert counts == {"systems": 3, "left_out": 0, "points": 180}
    train, test = read_series(train_path), read_series(test_path)
    assert {len(v) for v in (*train.values(), *test.values())} == {180}
    assert not np.allclose(train["Lorenz"], test["Lorenz"])  # another initial condition
    rows = study.model_job(train_path, test_path, "linear_ar", config["forecasters"]["linear_ar"],
                           {"dataset": "generated"}, tmp_path / "rows.parquet", tmp_path / "metrics.parquet")
    assert len(rows) == 3 and np.all(np.isfinite(rows["smape"]))
    assert {json.loads(p)["spacing"] for p in rows["params"]} == {1}  # 0.01 periods -> 1 point
    assert run.total_seconds(rows) > 0


def test_a_blown_up_integration_is_left_out_of_both_files(tmp_path, monkeypatch):
    from physbench.chaos.systems import Integration
    from physbench.dysts_benchmark import generate

    def integrate(names, n_points, settings, workers=1):
        big = 1e308 if settings["ic_perturbation"] else 1.0  # the test IC blows up
        return [Integration(name, np.r_[1.0, -1.0][np.arange(n_points) % 2, None] * (big if name == "B" else 1.0),
                            0.1, {}) for name in names]

    monkeypatch.setattr(generate, "integrate_systems", integrate)
    config = yaml.safe_load(CONFIG.read_text())["studies"]["dysts_benchmark"]["generate"]
    counts = generate.generate_files(["A", "B"], 15, 2, config, tmp_path / "train.json", tmp_path / "test.json")
    assert counts == {"systems": 1, "left_out": 1, "points": 30}
    assert set(read_series(tmp_path / "train.json")) == set(read_series(tmp_path / "test.json")) == {"A"}
