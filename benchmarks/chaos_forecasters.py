"""Fit and forecast seconds per chaos forecaster (config.yaml settings) on a few dysts flows.

Usage: python benchmarks/chaos_forecasters.py [--systems Lorenz,Rossler,MacArthur] [--setting multivariate]
Prints one line per forecaster: median fit seconds (selection grid included) and median forecast
seconds per test origin over the systems, with the median VPT in Lyapunov times.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from physbench.chaos.study import run_forecaster
from physbench.chaos.trajectories import build_trajectories

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", default="Lorenz,Rossler,MackeyGlass,MacArthur")
    parser.add_argument("--setting", default="multivariate", choices=["multivariate", "univariate"])
    args = parser.parse_args()
    settings = yaml.safe_load((REPO / "config.yaml").read_text())["studies"]["chaos"]
    settings["systems"] = {"include": args.systems.split(","), "exclude": [], "delay": None}
    start = time.perf_counter()
    trajectories, systems = build_trajectories(settings)
    print(f"integrated {len(systems)} systems in {time.perf_counter() - start:.1f} s "
          f"({settings['integration']['method']}, rtol={settings['integration']['rtol']:g})")
    print(f"{'forecaster':16s} {'fit s':>8s} {'forecast s/origin':>18s} {'job s':>7s} {'median VPT':>11s}")
    for model, spec in settings["forecasters"].items():
        start = time.perf_counter()
        rows, _ = run_forecaster(trajectories, systems, spec, settings, model, args.setting)
        elapsed = time.perf_counter() - start
        frame = pd.DataFrame(rows)
        median = {m: np.nanmedian(frame.loc[frame["metric"] == m, "value"])
                  for m in ("fit_seconds", "forecast_seconds", "vpt")}
        print(f"{model:16s} {median['fit_seconds']:8.3f} {median['forecast_seconds']:18.4f} {elapsed:7.1f} "
              f"{median['vpt']:11.2f}")


if __name__ == "__main__":
    main()
