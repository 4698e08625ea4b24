"""System selection, deterministic integration, failure reporting, trajectory cache round trip."""

import numpy as np
import pandas as pd
import pytest

from physbench.chaos import systems as chaos_systems
from physbench.chaos.study import run_forecaster
from physbench.io import read_parquet, write_parquet

INTEGRATION = {"pts_per_period": 100, "method": "LSODA", "rtol": 1e-9, "atol": 1e-9,
               "fallback": {"method": "DOP853", "rtol": 1e-9, "atol": 1e-9}, "transient_points": 50,
               "ic_perturbation": 0.0, "seed": 0}


def test_selection_counts_match_dysts_0_96():
    assert len(chaos_systems.select_systems({"include": "all"})) == 135
    delays = chaos_systems.select_systems({"include": "all", "delay": True})
    assert sorted(delays) == ["IkedaDelay", "MackeyGlass", "PiecewiseCircuit", "ScrollDelay", "SprottDelay",
                              "VossDelay"]
    assert len(chaos_systems.select_systems({"include": "all", "delay": False})) == 129
    assert chaos_systems.select_systems({"include": ["Rossler", "Lorenz"], "exclude": ["Rossler"]}) == ["Lorenz"]
    with pytest.raises(ValueError, match="NotAFlow"):
        chaos_systems.select_systems({"include": ["Lorenz", "NotAFlow"]})


def test_integration_is_deterministic_and_sampled_per_period():
    a = chaos_systems.integrate_system("Lorenz", 300, INTEGRATION)
    b = chaos_systems.integrate_system("Lorenz", 300, INTEGRATION)
    assert a.status == "ok" and a.solver.startswith("LSODA")
    assert a.values.shape == (300, 3)
    np.testing.assert_array_equal(a.values, b.values)
    # 100 points per dominant period (1.5008 time units for Lorenz in dysts 0.96)
    assert a.dt == pytest.approx(1.5008 / 100, rel=0.01)
    assert a.metadata["lyapunov_max"] == pytest.approx(0.8917, rel=1e-3)


def test_perturbed_replicate_differs_but_is_reproducible():
    settings = {**INTEGRATION, "ic_perturbation": 1e-3, "seed": 7}
    a = chaos_systems.integrate_system("Rossler", 100, settings)
    b = chaos_systems.integrate_system("Rossler", 100, settings)
    base = chaos_systems.integrate_system("Rossler", 100, INTEGRATION)
    np.testing.assert_array_equal(a.values, b.values)
    assert not np.allclose(a.values, base.values)


def test_delay_equation_keeps_first_coordinate_only():
    result = chaos_systems.integrate_system("MackeyGlass", 200, INTEGRATION)
    assert result.status == "ok" and result.values.shape == (200, 1) and result.metadata["delay"]


def _broken_lorenz():
    import dysts.flows

    model = dysts.flows.Lorenz()
    model.make_trajectory = lambda *args, **kwargs: (None, None)  # solve_ivp stopped early
    return model


def persistence_metrics(trajectories, table) -> pd.DataFrame:
    """The metrics rows of the persistence forecaster on ``table``'s systems (a small protocol)."""
    protocol = {"train_points": 1000, "context_points": 100, "n_origins": 2, "origin_spacing_points": 50,
                "horizons_periods": [1], "vpt_threshold": 0.5, "smape_vpt_threshold": 30,
                "validation": {"fraction": 0.3, "n_origins": 2}}
    rows, _ = run_forecaster(trajectories, table, {"forecaster": "persistence"},
                             {"protocol": protocol, "panel_systems": []}, "persistence", "multivariate")
    return pd.DataFrame(rows)


def test_failed_integration_is_reported_with_reason_and_scored_as_failed():
    failed = chaos_systems.integrate_system(_broken_lorenz(), 100, INTEGRATION)
    assert failed.status == "failed" and failed.values is None
    assert "LSODA" in failed.reason and "DOP853" in failed.reason  # both solvers tried
    ok = chaos_systems.integrate_system("Rossler", 1500, INTEGRATION)
    trajectories, table = chaos_systems.tables([failed, ok], source="dysts")
    assert list(table["status"]) == ["failed", "ok"]
    table["horizon_points"] = [0, 100]
    frame = persistence_metrics(trajectories, table)
    lost = frame[frame["unit"] == "Lorenz"]
    assert len(lost) > 0 and lost["value"].isna().all()
    assert lost["note"].str.startswith("integration failed").all()
    assert frame[(frame["unit"] == "Rossler") & (frame["metric"] == "vpt")]["value"].notna().all()


def test_windows_of_a_system_without_a_dominant_period_are_undefined_not_failed():
    from physbench.metrics import failed_values, undefined_values

    trajectories, table = chaos_systems.tables([chaos_systems.integrate_system("Rossler", 1500, INTEGRATION)],
                                               source="dysts")
    table["horizon_points"] = [100]
    table["period"] = [np.nan]  # e.g. a user's trajectory file without one: a window "in periods" holds no point
    frame = persistence_metrics(trajectories, table)
    window = frame[frame["metric"].str.endswith("_1period")]
    assert len(window) == 8 and undefined_values(window).all()  # 4 scores x 2 origins
    assert window["note"].iloc[0] == "undefined: smape over an empty 1period window (no dominant period)"
    assert frame.loc[frame["metric"] == "smape_horizon", "value"].notna().all() and not failed_values(frame).any()


def test_trajectory_cache_round_trip(tmp_path):
    results = [chaos_systems.integrate_system(name, 120, INTEGRATION) for name in ("Lorenz", "MackeyGlass")]
    trajectories, table = chaos_systems.tables(results, source="dysts")
    write_parquet(tmp_path / "t.parquet", trajectories)
    write_parquet(tmp_path / "s.parquet", table)
    back, back_table = read_parquet(tmp_path / "t.parquet"), read_parquet(tmp_path / "s.parquet")
    for result in results:
        np.testing.assert_array_equal(chaos_systems.series(back, back_table, result.system), result.values)
    lorenz = back_table.set_index("system").loc["Lorenz"]
    assert lorenz["samples_per_lyapunov_time"] == pytest.approx(1 / (0.8917 * lorenz["dt"]), rel=1e-3)
