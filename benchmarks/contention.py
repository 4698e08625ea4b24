"""Wall time of each model family's work on an idle machine and beside one CPU-bound competitor.

A job on a shared node or laptop must not collapse when another process takes a core. For every
SuperCon estimator, one fit on 80 % of the materials with the Hamidieh features and its prediction
of the rest are timed on 1 and on 2 threads; 2 threads with OpenMP's default wait policy and with
``OMP_WAIT_POLICY=PASSIVE`` (the pipeline's setting, made in the Snakefile). A SPARC fit with its
posterior (one thread, the pipeline's longest family) is the single-threaded control. Each timing
runs in a fresh process; the competitor is a Python busy loop started before it and stopped after
it. ``*`` marks the threads the estimator's plug-in declares; the last column is contended / idle
wall time, and the target is at most 1.5.

Usage: .venv/bin/python benchmarks/contention.py [--run DIR] [--repeats 2] [--families xgboost,sparc_nfw]
DIR is a project folder whose ``results/supercon`` holds the features and materials of a run
(``make run``). Run it on an otherwise idle machine: it measures contention, so any other load
falsifies it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
CONTROL = "sparc_nfw"  # the single-threaded control family
# A CPU-bound competitor that ends when its parent does (even when the benchmark is killed).
BUSY_LOOP = "import os\nparent = os.getppid()\nwhile os.getppid() == parent:\n    pass"


def supercon_work(run: Path, model: str, threads: int) -> float:
    """Seconds of one fit of ``model`` on a seeded 80 % of the materials and its prediction of the
    other 20 %, on ``threads`` threads (prediction is most of a nearest-neighbour model's work)."""
    import numpy as np
    from threadpoolctl import threadpool_limits

    from physbench.io import read_parquet
    from physbench.supercon.data import TARGET
    from physbench.supercon.estimators import build_model

    spec = yaml.safe_load((REPO / "config.yaml").read_text())["studies"]["supercon"]["models"][model]
    x = read_parquet(run / "results/supercon/features/hamidieh.parquet").to_numpy(dtype=float)
    y = read_parquet(run / "results/supercon/materials.parquet")[TARGET].to_numpy(dtype=float)
    train = np.random.default_rng(0).random(len(y)) < 0.8
    estimator = build_model(spec, seed=0, n_jobs=threads)
    with threadpool_limits(limits=threads):
        start = time.perf_counter()
        estimator.fit(x[train], y[train]).predict(x[~train])
        return time.perf_counter() - start


def sparc_work(galaxy: str = "NGC2403") -> float:
    """Seconds of the MAP fit and posterior of NFW on one galaxy under the li2020 priors (one thread)."""
    from threadpoolctl import threadpool_limits

    from physbench.sparc.data import load_galaxy_table
    from physbench.sparc.posterior import SamplerSettings, sample_posterior
    from physbench.sparc.steps import load_galaxy, make_fitter

    config = yaml.safe_load((REPO / "config.yaml").read_text())["studies"]["sparc"]
    data = REPO / "data/snapshots/sparc"
    fitter = make_fitter(config["models"]["nfw"], config["settings"]["li2020"], config["optimiser"], None,
                         config["hubble_kms_mpc"], "nfw")
    curve = load_galaxy(data, load_galaxy_table(data), galaxy)
    with threadpool_limits(1):
        start = time.perf_counter()
        sample_posterior(fitter.fit(curve), SamplerSettings(**config["posterior"]))
        return time.perf_counter() - start


def families() -> dict[str, int]:
    """Family name -> the threads its jobs get: every SuperCon estimator, and the single-threaded
    SPARC control."""
    from physbench.supercon.estimators import REGISTRY

    models = yaml.safe_load((REPO / "config.yaml").read_text())["studies"]["supercon"]["models"]
    return {name: REGISTRY[spec["estimator"]].threads for name, spec in models.items()} | {CONTROL: 1}


def time_in_process(family: str, threads: int, passive: bool, run: Path) -> float:
    env = dict(os.environ)
    env.pop("OMP_WAIT_POLICY", None)
    if passive:
        env["OMP_WAIT_POLICY"] = "PASSIVE"
    command = [sys.executable, __file__, "--worker", family, "--threads", str(threads), "--run", str(run)]
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[-1])["seconds"]


def measure(family: str, threads: int, passive: bool, run: Path, contended: bool, repeats: int) -> float:
    """Best of ``repeats`` timings (the least disturbed by anything else), beside a competitor or not."""
    competitor = subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) if contended else None
    try:
        if competitor:
            time.sleep(0.5)  # let it take its core
        return min(time_in_process(family, threads, passive, run) for _ in range(repeats))
    finally:
        if competitor:
            competitor.kill()
            competitor.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, default=REPO, help="project folder with a finished SuperCon run")
    parser.add_argument("--repeats", type=int, default=2, help="timings per cell; the best is kept")
    parser.add_argument("--families", help="comma-separated subset of the families")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        seconds = sparc_work() if args.worker == CONTROL else supercon_work(args.run, args.worker, args.threads)
        print(json.dumps({"seconds": seconds}))
        return
    declared = families()
    chosen = args.families.split(",") if args.families else list(declared)
    unknown = sorted(set(chosen) - set(declared))
    if unknown:
        parser.error(f"unknown famil(ies) {unknown}; choose from {sorted(declared)}")
    print(f"{'family':<24}{'threads':>8}{'OMP wait':>10}{'idle s':>9}{'contended s':>13}{'ratio':>7}")
    for family in chosen:
        for threads in (2, 1) if family != CONTROL else (1,):
            for passive in (False, True) if threads > 1 else (False,):
                idle = measure(family, threads, passive, args.run, False, args.repeats)
                busy = measure(family, threads, passive, args.run, True, args.repeats)
                policy = "passive" if passive else "default"
                mark = "*" if threads == declared[family] else " "
                print(f"{family:<24}{threads:>7}{mark}{policy:>10}{idle:>9.2f}{busy:>13.2f}{busy / idle:>7.2f}",
                      flush=True)


if __name__ == "__main__":
    main()
