"""The dysts benchmark JSON format: round trip, gzip, clear errors, and a study run from a user file."""

import gzip
import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from physbench.chaos.loader import TrajectoryFileError, load_benchmark_json, read_benchmark_json, write_benchmark_json
from physbench.chaos.study import forecast_job
from physbench.chaos.systems import integrate_system
from physbench.chaos.trajectories import trajectories_job
from physbench.io import read_parquet
from physbench.metrics import read_metrics

CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"


@pytest.mark.parametrize("name", ["systems.json", "systems.json.gz"])
def test_round_trip_univariate_and_multivariate(tmp_path, name):
    rng = np.random.default_rng(0)
    data = {"Lorenz": {"dt": 0.015, "values": rng.normal(size=(30, 3))},
            "Scalar": {"dt": 0.5, "values": rng.normal(size=30)}}
    path = tmp_path / name
    write_benchmark_json(path, data)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == name.endswith(".gz")
    back = read_benchmark_json(path)
    np.testing.assert_array_equal(back["Lorenz"]["values"], data["Lorenz"]["values"])
    np.testing.assert_array_equal(back["Scalar"]["values"][:, 0], data["Scalar"]["values"])
    np.testing.assert_allclose(back["Scalar"]["time"], 0.5 * np.arange(30))


def test_gzip_detected_by_content_not_name(tmp_path):
    path = tmp_path / "plain_name.json"
    path.write_bytes(gzip.compress(json.dumps({"X": {"dt": 1, "values": [1, 2, 3]}}).encode()))
    assert read_benchmark_json(path)["X"]["values"].shape == (3, 1)


@pytest.mark.parametrize("entry, message", [
    ({"values": [1, 2]}, "'dt'"),
    ({"dt": -1, "values": [1, 2]}, "positive"),
    ({"dt": 1, "values": [[1, 2], [3]]}, "values"),
    ({"dt": 1, "values": [1, 2], "time": [0]}, "'time'"),
    ({"dt": True, "values": [1, 2]}, "positive finite"),
    ({"dt": float("inf"), "values": [1, 2]}, "positive finite"),
    ({"dt": 0.1, "values": [1, 2, 3], "time": [0, 0.1, 5]}, "not spaced by 'dt'"),
    ({"dt": 1, "values": [[], []]}, "non-empty lists"),
    ({"dt": 1, "values": [1e308, -1e308, 1e308]}, "overflows"),
])
def test_malformed_entries_name_system_and_field(tmp_path, entry, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"Broken": entry}))
    with pytest.raises(TrajectoryFileError, match=message) as err:
        read_benchmark_json(path)
    assert "Broken" in str(err.value) and "bad.json" in str(err.value)


def test_known_systems_get_dysts_metadata(tmp_path):
    path = tmp_path / "s.json"
    write_benchmark_json(path, {"Lorenz": {"dt": 0.015, "values": np.zeros((5, 3))},
                                "MackeyGlass": {"dt": 0.06, "values": np.zeros((5, 10))},
                                "Mine": {"dt": 1.0, "values": np.zeros(5)}})
    records = {r.system: r for r in load_benchmark_json(path)}
    assert records["Lorenz"].metadata["lyapunov_max"] == pytest.approx(0.8917, rel=1e-3)
    assert records["MackeyGlass"].values.shape == (5, 1)  # delay columns are lagged copies
    assert np.isnan(records["Mine"].metadata["lyapunov_max"])


def test_user_file_feeds_the_same_forecasters_and_metrics(tmp_path):
    lorenz = integrate_system("Lorenz", 1200, {"pts_per_period": 100, "method": "LSODA", "rtol": 1e-9,
                                               "atol": 1e-9, "transient_points": 0})
    t = np.arange(1200)
    path = tmp_path / "user.json.gz"
    write_benchmark_json(path, {"Lorenz": {"dt": lorenz.dt, "values": lorenz.values},
                                "MyOscillator": {"dt": 0.1, "values": np.sin(0.3 * t) * np.exp(-t / 5000)}})
    protocol = {"train_points": 800, "context_points": 50, "n_origins": 2, "origin_spacing_points": 50,
                "horizon_lyapunov_times": 3, "max_horizon_points": 250, "horizons_periods": [1, 2],
                "vpt_threshold": 0.5, "smape_vpt_threshold": 30, "validation": {"fraction": 0.3, "n_origins": 2}}
    settings = {"source": "json", "json_file": str(path), "protocol": protocol, "panel_systems": ["Lorenz"]}
    trajectories_job(settings, tmp_path / "t.parquet", tmp_path / "s.parquet")
    systems = read_parquet(tmp_path / "s.parquet")
    assert list(systems["status"]) == ["ok", "ok"]
    spec = {"forecaster": "nvar", "params": {"taps": 2, "degree": 3, "alpha": 1e-9}, "grid": {"alpha": [1e-9, 1e-6]}}
    forecast_job(tmp_path / "t.parquet", tmp_path / "s.parquet", spec, settings, "nvar_cubic", "multivariate",
                 tmp_path / "m.parquet", tmp_path / "p.parquet")
    metrics = read_metrics(tmp_path / "m.parquet")
    assert set(metrics["unit"]) == {"Lorenz", "MyOscillator"}
    assert metrics["dataset"].iloc[0] == "json:user.json.gz"
    vpt = metrics[metrics["metric"] == "vpt"].set_index(["unit", "fold"])["value"]
    assert (vpt.loc["Lorenz"] > 1.0).all()  # NVAR on Lorenz: several Lyapunov times (capped at 3)
    assert vpt.loc["MyOscillator"].isna().all()  # unknown Lyapunov exponent: no Lyapunov-time VPT...
    steps = metrics[(metrics["metric"] == "vpt_steps") & (metrics["unit"] == "MyOscillator")]["value"]
    assert (steps == 250).all()  # ...but the step count: a linear signal is forecast over the whole horizon
    assert len(read_parquet(tmp_path / "p.parquet")) > 0
    smape = metrics[(metrics["metric"] == "smape_1period") & (metrics["unit"] == "MyOscillator")]["value"]
    assert smape.isna().all()  # no known period: no period-based window


def test_published_files_under_the_default_protocol_say_why_and_what_to_set(tmp_path):
    """A file of 1,200-point series (the published benchmark's) cannot hold the default protocol's
    windows: the job stops with the reason and a protocol that fits, instead of failing every system."""
    path = tmp_path / "test_univariate__pts_per_period_100__periods_12.json"
    write_benchmark_json(path, {name: {"dt": 0.1, "values": np.sin(0.1 * np.arange(1200) + k)}
                                for k, name in enumerate(("A", "B"))})
    protocol = yaml.safe_load(CONFIG.read_text())["studies"]["chaos"]["protocol"]
    settings = {"source": "json", "json_file": str(path), "protocol": protocol}
    with pytest.raises(TrajectoryFileError) as err:
        trajectories_job(settings, tmp_path / "t.parquet", tmp_path / "s.parquet")
    message = str(err.value)
    assert path.name in message and "at most 1200 points" in message and "more than 2100" in message
    assert "train_points: 800 fits" in message and "dysts_benchmark" in message
    assert not (tmp_path / "t.parquet").exists()
    fitted = {**protocol, "n_origins": 1, "train_points": 800}  # the suggested fix runs every system
    trajectories_job({**settings, "protocol": fitted}, tmp_path / "t.parquet", tmp_path / "s.parquet")
    assert set(read_parquet(tmp_path / "s.parquet")["status"]) == {"ok"}


def test_names_are_matched_against_the_dysts_flows_and_shown_literally(tmp_path):
    """``DynSys`` and ``__loader__`` are attributes of dysts.flows, not flows: no metadata, no crash;
    a name with TeX markup is drawn as text."""
    import matplotlib.pyplot as plt
    import pandas as pd

    from physbench.chaos.figures import panels_figure

    path = tmp_path / "s.json"
    names = ("DynSys", "__loader__", "$x^$")
    write_benchmark_json(path, {name: {"dt": 0.1, "values": np.sin(np.arange(50) * 0.1)} for name in names})
    records = {r.system: r for r in load_benchmark_json(path)}
    assert set(records) == set(names) and all(np.isnan(records[n].metadata["lyapunov_max"]) for n in names)
    panels = pd.DataFrame({"system": "$x^$", "setting": "univariate", "channel": 0, "model": "esn",
                           "lyapunov_time": np.arange(5.0), "truth": np.ones(5), "forecast": np.ones(5)})
    figure = panels_figure(panels, ["$x^$"], ["esn"])
    figure.savefig(tmp_path / "panels.png")  # mathtext would raise on the unbalanced markup
    assert figure.axes[0].get_title().startswith("$x^$")
    plt.close(figure)
