"""The chaos study's trajectory cache: integrate the selected dysts flows (or read a user file in the
published dysts benchmark format) and tabulate each system's protocol horizon."""

from __future__ import annotations

import logging
import math
import time

import numpy as np
import pandas as pd

from physbench.chaos.loader import TrajectoryFileError, load_benchmark_json
from physbench.chaos.systems import integrate_systems, select_systems, tables, trajectory_length
from physbench.io import write_parquet

log = logging.getLogger(__name__)


def build_trajectories(settings: dict, workers: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Integrate the selected flows (or read the user file); return (trajectories, systems) tables."""
    protocol = settings["protocol"]
    start = time.perf_counter()
    if settings["source"] == "json":
        records = load_benchmark_json(settings["json_file"])
        trajectories, systems = tables(records, source="json")
    else:
        names = select_systems(settings["systems"])
        n_points = trajectory_length(protocol)
        log.info("integrating %d systems, %d points each after a %d-point transient", len(names), n_points,
                 settings["integration"]["transient_points"])
        records = integrate_systems(names, n_points, settings["integration"], workers=workers)
        trajectories, systems = tables(records, source="dysts")
    systems["horizon_points"] = [horizon_points(row, protocol) for row in systems.itertuples()]
    systems["horizon_lyapunov_times"] = systems["horizon_points"] / systems["samples_per_lyapunov_time"]
    short = (systems["status"] == "ok") & (systems["horizon_points"] < 1)
    systems.loc[short, "status"] = "failed"
    systems.loc[short, "reason"] = (f"trajectory too short for the protocol (needs more than "
                                    f"{last_origin(protocol)} points)")
    if settings["source"] == "json" and short.all():
        raise TrajectoryFileError(too_short_message(settings["json_file"], int(systems["n_points"].max()), protocol))
    failed = systems[systems["status"] != "ok"]
    log.info("%d systems ok, %d failed (%s) in %.1f s", len(systems) - len(failed), len(failed),
             ", ".join(failed["system"]), time.perf_counter() - start)
    return trajectories, systems


def too_short_message(path: str, n_points: int, protocol: dict) -> str:
    """Why no series of a user file fits the chaos protocol, and what to set instead."""
    horizon = max(1, n_points // 6)
    train = n_points - horizon - protocol["context_points"]
    fix = (f"with n_origins: 1 and context_points: {protocol['context_points']}, train_points: {train} fits "
           f"(a {horizon}-point horizon)" if train > 0 else "shorten protocol.context_points")
    return (f"{path}: its series have at most {n_points} points, but studies.chaos.protocol needs more than "
            f"{last_origin(protocol)} (train_points + context_points + (n_origins - 1) * origin_spacing_points) "
            f"before the first forecast, so every system would fail. Set studies.chaos.protocol to fit the file "
            f"({fix}), or run the dysts_benchmark study, which scores the published benchmark files by their own "
            "protocol (fit on the first 5/6, forecast the rest).")


def last_origin(protocol: dict) -> int:
    return (protocol["train_points"] + protocol["context_points"]
            + (protocol["n_origins"] - 1) * protocol["origin_spacing_points"])


def window_points(row, periods: float) -> int:
    """Points in ``periods`` dominant periods of a system (NaN period: 0)."""
    steps = periods * row.period / row.dt
    return int(round(steps)) if np.isfinite(steps) else 0


def horizon_points(row, protocol: dict) -> int:
    """Forecast horizon of a system in points (0 when its trajectory is too short)."""
    available = int(row.n_points) - last_origin(protocol)
    target = protocol["horizon_lyapunov_times"] * row.samples_per_lyapunov_time
    target = math.ceil(target) if np.isfinite(target) else protocol["max_horizon_points"]
    longest_window = max([window_points(row, p) for p in protocol["horizons_periods"]] + [1])
    return max(0, min(protocol["max_horizon_points"], max(target, longest_window), available))


def trajectories_job(settings: dict, trajectories_path, systems_path, workers: int = 1) -> None:
    """Rule chaos_trajectories: integrate (or load) and cache trajectories and the systems table."""
    trajectories, systems = build_trajectories(settings, workers=workers)
    write_parquet(trajectories_path, trajectories)
    write_parquet(systems_path, systems)
