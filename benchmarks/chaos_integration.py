"""Integration time of the selected dysts flows with the configured solver, and failures.

Usage: python benchmarks/chaos_integration.py [--workers 2] [--compare-default Lorenz,Rossler]
Integrates every system of studies.chaos (config.yaml) at the protocol's trajectory length and
prints total/median/max seconds and the failure list; --compare-default also times dysts' default
solver (Radau, rtol = atol = 1e-12) on the named systems for reference.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import yaml

from physbench.chaos.systems import integrate_systems, select_systems, trajectory_length

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--compare-default", default="")
    args = parser.parse_args()
    settings = yaml.safe_load((REPO / "config.yaml").read_text())["studies"]["chaos"]
    names = select_systems(settings["systems"])
    n_points = trajectory_length(settings["protocol"])
    integration = settings["integration"]
    start = time.perf_counter()
    results = integrate_systems(names, n_points, integration, workers=args.workers)
    wall = time.perf_counter() - start
    seconds = np.array([r.seconds for r in results])
    slowest = sorted(results, key=lambda r: -r.seconds)[:5]
    print(f"{len(names)} systems x {n_points + integration['transient_points']} points, {integration['method']} "
          f"rtol={integration['rtol']:g}, {args.workers} workers: wall {wall:.1f} s, sum {seconds.sum():.1f} s, "
          f"median {np.median(seconds):.2f} s, max {seconds.max():.1f} s")
    print("slowest:", ", ".join(f"{r.system} {r.seconds:.1f} s" for r in slowest))
    failed = [r for r in results if r.status != "ok"]
    print(f"failed: {len(failed)}", *(f"\n  {r.system}: {r.reason}" for r in failed))
    fallback = [r.system for r in results if r.status == "ok" and r.reason]
    print(f"needed the fallback solver: {fallback}")
    if args.compare_default:
        default = {**integration, "method": "Radau", "rtol": 1e-12, "atol": 1e-12, "fallback": None}
        for name in args.compare_default.split(","):
            fast = next((r for r in results if r.system == name), None)
            slow = integrate_systems([name], n_points, default)[0]
            diff = (np.max(np.abs(fast.values[:200] - slow.values[:200]))
                    if fast is not None and slow.values is not None else np.nan)
            print(f"{name}: default Radau 1e-12 {slow.seconds:.1f} s vs {fast.seconds if fast else np.nan:.2f} s; "
                  f"max |difference| over the first 200 points {diff:.2e}")


if __name__ == "__main__":
    main()
