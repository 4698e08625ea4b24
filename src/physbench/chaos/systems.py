"""The chaotic flows of dysts: selection from config and deterministic, fast integration.

dysts' own default (implicit Radau at rtol = atol = 1e-12) costs about 10 s per system per 1000
points; an explicit Dormand-Prince 8(5,3) step is about 100 times faster on these non-stiff flows
and agrees with it for 20+ Lyapunov times on Lorenz. The stiff solver is kept as a fallback for a
system whose explicit run fails. Delay equations ignore the solver arguments (dysts steps them with
its own fixed scheme) and are kept as their first coordinate only: the other columns dysts returns
are lagged copies of it.

Times are in each system's own time units; ``dt`` is the sampling step of the returned grid.
"""

from __future__ import annotations

import logging
import math
import time
import warnings
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

# Columns of the systems metadata table, in order.
SYSTEM_COLUMNS = (
    "system", "source", "delay", "dimension", "n_channels", "lyapunov_max", "period", "dt",
    "samples_per_lyapunov_time", "kaplan_yorke_dimension", "correlation_dimension", "n_points",
    "status", "reason", "solver", "integration_seconds",
)


def _quiet_import():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import dysts.flows
        import dysts.systems
    return dysts


def available_systems() -> list[str]:
    """Names of all continuous dysts flows (135 in dysts 0.96: 129 ODEs and 6 delay equations)."""
    return list(_quiet_import().systems.get_attractor_list("continuous"))


def delay_systems() -> list[str]:
    return list(_quiet_import().systems.get_attractor_list("delay"))


def select_systems(selection: dict) -> list[str]:
    """Apply ``studies.chaos.systems`` (include: "all" or names; exclude: names; delay: filter).

    Unknown names are an error that lists the fix, not a silent omission.
    """
    names = available_systems()
    include = selection.get("include", "all")
    if include != "all":
        unknown = sorted(set(include) - set(names))
        if unknown:
            raise ValueError(
                f"config.yaml: studies.chaos.systems.include names unknown dysts flow(s) {unknown}; "
                f"valid names come from dysts.systems.get_attractor_list('continuous')"
            )
        names = [n for n in names if n in set(include)]
    exclude = set(selection.get("exclude", []))
    names = [n for n in names if n not in exclude]
    delay = selection.get("delay")
    if delay is not None:
        delays = set(delay_systems())
        names = [n for n in names if (n in delays) == bool(delay)]
    return names


def trajectory_length(protocol: dict) -> int:
    """Points after the transient that the protocol needs: train + context + origins + horizon."""
    return (
        protocol["train_points"]
        + protocol["context_points"]
        + (protocol["n_origins"] - 1) * protocol["origin_spacing_points"]
        + protocol["max_horizon_points"]
    )


@dataclass
class Integration:
    """Result of integrating one system: sampled values (n, channels) or None with the reason."""

    system: str
    values: np.ndarray | None
    dt: float
    metadata: dict = field(default_factory=dict)
    status: str = "ok"
    reason: str = ""
    solver: str = ""
    seconds: float = 0.0


def system_metadata(model) -> dict:
    """Largest Lyapunov exponent (1/time unit), dominant period (time units) and dimensions."""
    def number(name):
        value = getattr(model, name, None)
        return float(value) if value is not None else math.nan

    return {
        "delay": bool(getattr(model, "delay", False)),
        "dimension": int(getattr(model, "dimension", 0) or len(np.atleast_1d(model.ic))),
        "lyapunov_max": number("maximum_lyapunov_estimated"),
        "period": number("period"),
        "kaplan_yorke_dimension": number("kaplan_yorke_dimension"),
        "correlation_dimension": number("correlation_dimension"),
    }


def _initial_condition(model, perturbation: float, seed: int) -> np.ndarray:
    ic = np.asarray(model.ic, dtype=float)
    if perturbation <= 0:
        return ic
    rng = np.random.default_rng(seed)
    scale = np.maximum(np.abs(ic), 1.0)
    return ic + perturbation * scale * rng.standard_normal(ic.shape)


def _run_solver(model, n: int, pts_per_period: int, method: str, rtol: float, atol: float, ic):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = model.make_trajectory(
            n, init_cond=ic, pts_per_period=pts_per_period, method=method, rtol=rtol, atol=atol,
            return_times=True,
        )
    times, values = out if out is not None else (None, None)
    if values is None:
        return None, None, "solver stopped early (dysts returned None)"
    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        values = values[:, None]
    if values.shape[0] != n:
        return None, None, f"solver returned {values.shape[0]} of {n} points"
    if not np.all(np.isfinite(values)):
        return None, None, "non-finite values in trajectory"
    return np.asarray(times, dtype=float), values, ""


def integrate_system(system, n_points: int, integration: dict) -> Integration:
    """Integrate one flow (a dysts class name or a dysts system instance) deterministically.

    Returns ``n_points`` samples after ``integration["transient_points"]`` discarded ones, at
    ``pts_per_period`` points per dominant period. Tries ``method`` first, then the ``fallback``
    solver; a system that fails both (or raises) comes back with ``status="failed"`` and the reason.
    """
    dysts = _quiet_import()
    name = system if isinstance(system, str) else type(system).__name__
    start = time.perf_counter()
    try:
        model = getattr(dysts.flows, system)() if isinstance(system, str) else system
        meta = system_metadata(model)
    except Exception as err:  # noqa: BLE001 - any failure is data, recorded with its reason
        return Integration(name, None, math.nan, {}, "failed", f"cannot instantiate: {err!r}", "",
                           time.perf_counter() - start)
    transient = integration["transient_points"]
    ic = _initial_condition(model, integration.get("ic_perturbation", 0.0), integration.get("seed", 0))
    attempts = [(integration["method"], integration["rtol"], integration["atol"])]
    fallback = integration.get("fallback")
    if fallback:
        attempts.append((fallback["method"], fallback["rtol"], fallback["atol"]))
    if meta["delay"]:
        attempts = attempts[:1]  # dysts steps delay equations with its own scheme; solver args ignored
    reasons = []
    for method, rtol, atol in attempts:
        solver = "dysts-dde" if meta["delay"] else f"{method} rtol={rtol:g} atol={atol:g}"
        try:
            times, values, reason = _run_solver(
                model, n_points + transient, integration["pts_per_period"], method, rtol, atol, ic
            )
        except Exception as err:  # noqa: BLE001
            times, values, reason = None, None, f"{type(err).__name__}: {err}"
        if values is not None:
            if meta["delay"]:
                values = values[:, :1]
            dt = float((times[-1] - times[0]) / (len(times) - 1))
            return Integration(name, values[transient:], dt, meta, "ok", "; ".join(reasons), solver,
                               time.perf_counter() - start)
        reasons.append(f"{solver}: {reason}")
    return Integration(name, None, math.nan, meta, "failed", "; ".join(reasons), "", time.perf_counter() - start)


def _integrate_job(args):
    system, n_points, integration = args
    return integrate_system(system, n_points, integration)


def integrate_systems(names: Sequence[str], n_points: int, integration: dict, workers: int = 1) -> list[Integration]:
    """Integrate several flows, ``workers`` processes in parallel, logging progress; order kept."""
    jobs = [(name, n_points, integration) for name in names]
    results = []
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            iterator = pool.map(_integrate_job, jobs, chunksize=1)
            for i, result in enumerate(iterator, 1):
                _log_progress(i, len(jobs), result)
                results.append(result)
    else:
        for i, job in enumerate(jobs, 1):
            result = _integrate_job(job)
            _log_progress(i, len(jobs), result)
            results.append(result)
    return results


def _log_progress(i: int, total: int, result: Integration) -> None:
    log.info("[%d/%d] %s: %s in %.2f s %s", i, total, result.system, result.status, result.seconds, result.reason)


def tables(results: Sequence[Integration], source: str,
           pts_per_period: float | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Trajectories (long in time, wide in channels: system, step, time, x0..) and the systems table."""
    max_channels = max([r.values.shape[1] for r in results if r.values is not None] or [1])
    frames, rows = [], []
    for r in results:
        meta = dict(r.metadata)
        channels = 0 if r.values is None else r.values.shape[1]
        lyap = meta.get("lyapunov_max", math.nan)
        dt = r.dt
        spl = 1.0 / (lyap * dt) if lyap and lyap > 0 and np.isfinite(lyap) and np.isfinite(dt) else math.nan
        rows.append({
            "system": r.system, "source": source, "delay": bool(meta.get("delay", False)),
            "dimension": int(meta.get("dimension", channels) or channels), "n_channels": channels,
            "lyapunov_max": lyap, "period": meta.get("period", math.nan), "dt": dt,
            "samples_per_lyapunov_time": spl,
            "kaplan_yorke_dimension": meta.get("kaplan_yorke_dimension", math.nan),
            "correlation_dimension": meta.get("correlation_dimension", math.nan),
            "n_points": 0 if r.values is None else len(r.values), "status": r.status, "reason": r.reason,
            "solver": r.solver, "integration_seconds": r.seconds,
        })
        if r.values is None:
            continue
        n = len(r.values)
        frame = {"system": np.full(n, r.system, dtype=object), "step": np.arange(n, dtype=np.int32),
                 "time": np.arange(n) * dt}
        for j in range(max_channels):
            frame[f"x{j}"] = r.values[:, j] if j < channels else np.full(n, np.nan)
        frames.append(pd.DataFrame(frame))
    columns = ["system", "step", "time", *[f"x{j}" for j in range(max_channels)]]
    trajectories = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    systems = pd.DataFrame(rows, columns=list(SYSTEM_COLUMNS))
    return trajectories, systems


def series(trajectories: pd.DataFrame, systems: pd.DataFrame, system: str) -> np.ndarray:
    """One system's trajectory as an array (n_points, n_channels), in step order."""
    n_channels = int(systems.loc[systems["system"] == system, "n_channels"].iloc[0])
    rows = trajectories[trajectories["system"] == system].sort_values("step")
    return rows[[f"x{j}" for j in range(n_channels)]].to_numpy(dtype=float)
