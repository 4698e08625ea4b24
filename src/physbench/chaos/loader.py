"""Reader and writer of the published dysts benchmark trajectory format.

A JSON object mapping each system name to ``{"dt": step, "time": [...], "values": [...]}``, plain
or gzipped (detected from the magic bytes, not the file name). ``values`` is a list of numbers
(univariate) or a list of lists (one list of channels per time point). Systems whose name is a
dysts flow get their Lyapunov exponent and period from dysts' metadata; others have none, so their
valid prediction time is reported in steps only (Lyapunov-time values are NaN).
"""

from __future__ import annotations

import gzip
import json
import math
import os
from pathlib import Path

import numpy as np

from physbench.chaos.systems import Integration, _quiet_import, available_systems, system_metadata


class TrajectoryFileError(ValueError):
    """A user trajectory file does not follow the dysts benchmark JSON format."""


def read_systems_json(path: str | os.PathLike, error: type[ValueError] = TrajectoryFileError) -> dict:
    """The top-level object of a dysts benchmark JSON file (gzip or plain): system name -> entry.

    Raises ``error`` naming the file when it is not JSON or not a non-empty object.
    """
    path = Path(path)
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as err:
        raise error(f"{path}: not valid JSON ({err}); expected an object of systems") from err
    if not isinstance(data, dict) or not data:
        raise error(f"{path}: top level must be a non-empty object mapping system names to entries")
    return data


def standardisable(values: np.ndarray) -> bool:
    """True when every channel's standard deviation is finite (values so large that it overflows
    cannot be standardised)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.all(np.isfinite(np.std(values, axis=0))))


def read_benchmark_json(path: str | os.PathLike) -> dict[str, dict]:
    """Parse and validate a benchmark JSON file; returns name -> {"dt", "time", "values" (n, d)}."""
    path = Path(path)
    data = read_systems_json(path)
    out = {}
    for name, entry in data.items():
        where = f"{path}: system {name!r}"
        if not isinstance(entry, dict) or "values" not in entry or "dt" not in entry:
            raise TrajectoryFileError(f"{where}: entry needs fields 'dt' and 'values' (and optionally 'time')")
        try:
            values = np.asarray(entry["values"], dtype=float)
        except (TypeError, ValueError) as err:
            raise TrajectoryFileError(f"{where}: field 'values' must be numbers or equal-length lists ({err})") from err
        if values.ndim == 1:
            values = values[:, None]
        if values.ndim != 2 or len(values) < 2 or values.shape[1] == 0:
            raise TrajectoryFileError(f"{where}: field 'values' must be a list of numbers or of non-empty lists, "
                                      "length >= 2")
        if not np.all(np.isfinite(values)):
            raise TrajectoryFileError(f"{where}: field 'values' holds non-finite numbers")
        if not standardisable(values):
            raise TrajectoryFileError(f"{where}: field 'values' is too large to standardise (its standard deviation "
                                      "overflows); rescale the series")
        dt = entry["dt"]
        if isinstance(dt, bool) or not isinstance(dt, (int, float)) or not 0 < dt < math.inf:
            raise TrajectoryFileError(f"{where}: field 'dt' must be a positive finite number, got {dt!r}")
        try:
            times = np.asarray(entry.get("time", np.arange(len(values)) * dt), dtype=float)
        except (TypeError, ValueError) as err:
            raise TrajectoryFileError(f"{where}: field 'time' must be a list of numbers ({err})") from err
        if times.shape != (len(values),):
            raise TrajectoryFileError(f"{where}: field 'time' has {times.size} entries for {len(values)} values")
        if not np.allclose(np.diff(times), dt, rtol=1e-3, atol=0):
            raise TrajectoryFileError(f"{where}: field 'time' is not spaced by 'dt' = {dt!r} (steps from "
                                      f"{np.diff(times).min():g} to {np.diff(times).max():g}); fix either field")
        out[name] = {"dt": float(dt), "time": times, "values": values}
    return out


def write_benchmark_json(path: str | os.PathLike, systems: dict[str, dict]) -> None:
    """Write name -> {"dt", "values" (n,) or (n, d), optional "time"} in the benchmark format."""
    payload = {}
    for name, entry in systems.items():
        values = np.asarray(entry["values"], dtype=float)
        times = entry.get("time", np.arange(len(values)) * entry["dt"])
        payload[name] = {"dt": float(entry["dt"]), "time": np.asarray(times, dtype=float).tolist(),
                         "values": values.tolist()}
    data = json.dumps(payload).encode()
    path = Path(path)
    path.write_bytes(gzip.compress(data, mtime=0) if path.suffix == ".gz" else data)


def load_benchmark_json(path: str | os.PathLike) -> list[Integration]:
    """Read a benchmark file into the same records the integrator produces (status "ok")."""
    flows = _quiet_import().flows
    known_flows = set(available_systems())  # names, not attributes: dysts.flows also holds DynSys, __loader__
    records = []
    for name, entry in read_benchmark_json(path).items():
        meta = {"delay": False, "dimension": entry["values"].shape[1], "lyapunov_max": math.nan,
                "period": math.nan, "kaplan_yorke_dimension": math.nan, "correlation_dimension": math.nan}
        if name in known_flows:
            known = system_metadata(getattr(flows, name)())
            meta.update({k: known[k] for k in ("lyapunov_max", "period", "kaplan_yorke_dimension",
                                               "correlation_dimension", "delay")})
        values = entry["values"][:, :1] if meta["delay"] else entry["values"]  # delay columns are lagged copies
        records.append(Integration(name, values, entry["dt"], meta, "ok", "", "user file", 0.0))
    return records
