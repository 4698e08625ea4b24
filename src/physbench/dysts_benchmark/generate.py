"""Benchmark files at another resolution, integrated with dysts and written in the published format.

The benchmark publishes its trajectories at 100 and at 15 points per dominant period; only the
first are vendored. This module integrates every system anew at any resolution: per system a train
trajectory from dysts' initial condition and a test trajectory from a perturbed one (another
point of the attractor once the transient is dropped), ``periods`` dominant periods long, first
coordinate only, in the files ``{train,test}_univariate__pts_per_period_<n>__periods_<p>.json.gz``.
A system that fails to integrate is left out of both files and logged.
"""

from __future__ import annotations

import logging
import os

from physbench.chaos.loader import standardisable, write_benchmark_json
from physbench.chaos.systems import integrate_systems

log = logging.getLogger(__name__)


def file_name(split: str, points_per_period: int, periods: int) -> str:
    """The published name of a univariate train or test file."""
    return f"{split}_univariate__pts_per_period_{int(points_per_period)}__periods_{int(periods)}.json.gz"


def integration_settings(settings: dict, points_per_period: int, split: str) -> dict:
    """The integrator's settings for one file: the transient in points, the test file's perturbed IC."""
    return {**settings["integration"], "pts_per_period": int(points_per_period),
            "transient_points": int(round(settings["transient_periods"] * points_per_period)),
            "ic_perturbation": settings["test_ic_perturbation"] if split == "test" else 0.0,
            "seed": settings["seed"]}


def generate_files(systems: list[str], points_per_period: int, periods: int, settings: dict,
                   train_path: str | os.PathLike, test_path: str | os.PathLike, workers: int = 1) -> dict:
    """Integrate ``systems`` twice (train and test IC) and write both files; returns counts per file.

    ``settings``: ``integration`` (the chaos study's: method, rtol, atol, fallback),
    ``transient_periods``, ``test_ic_perturbation`` (relative size of the test IC's perturbation)
    and ``seed``.
    """
    n_points = int(points_per_period) * int(periods)
    records = {}
    for split in ("train", "test"):
        log.info("%s file: integrating %d systems, %d points each", split, len(systems), n_points)
        records[split] = {r.system: r for r in integrate_systems(
            systems, n_points, integration_settings(settings, points_per_period, split), workers=workers)}
    for split in records:  # a blown-up integration cannot be standardised: left out like a failed one
        for record in records[split].values():
            if record.status == "ok" and not standardisable(record.values[:, 0]):
                record.status, record.reason = "failed", f"{split} series too large to standardise"
    ok = [s for s in systems if all(records[split][s].status == "ok" for split in records)]
    for name in sorted(set(systems) - set(ok)):
        log.warning("%s left out: %s", name, "; ".join(r[name].reason for r in records.values() if r[name].reason))
    for split, path in (("train", train_path), ("test", test_path)):
        write_benchmark_json(path, {name: {"dt": records[split][name].dt, "values": records[split][name].values[:, 0]}
                                    for name in ok})
    return {"systems": len(ok), "left_out": len(systems) - len(ok), "points": n_points}
