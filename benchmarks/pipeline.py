"""Where a finished run's time went, and how fast the same jobs would finish on more cores.

Usage: python benchmarks/pipeline.py [--configfile FILE] [--cores 2,8,32,128] [--top 10] [--make-run]

Reads the DAG from ``snakemake --forceall --dry-run`` (with the given config files) and each job's
benchmark file under results/benchmarks/ (written by the last run). Prints the total job wall time
and CPU time, the elapsed time and average concurrency of that run, the critical path (the
longest chain of dependent jobs) and the simulated makespan on each number of cores
(:mod:`physbench.schedule`: list scheduling of the real jobs with their threads), plus the
longest jobs. It also times ``snakemake -n`` on the finished run (the no-op check) and, with
``--make-run``, ``make run`` (which runs whatever is out of date: use it on a finished run only).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from physbench.schedule import attach_benchmarks, critical_path, makespan, parse_dry_run, run_summary

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))


def snakemake(*args: str) -> tuple[str, float]:
    start = time.perf_counter()
    result = subprocess.run([SNAKEMAKE, *args], cwd=REPO, capture_output=True, text=True, check=True)
    return result.stdout + result.stderr, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configfile", action="append", default=[])
    parser.add_argument("--cores", default="2,8,32,128")
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--make-run", action="store_true", help="also time `make run` (no-op on a finished run)")
    args = parser.parse_args()
    configs = ["--configfile", *args.configfile] if args.configfile else []
    # --verbose: the logger plugin shortens long input lists, which would hide dependencies.
    text, _ = snakemake("--forceall", "--dry-run", "--verbose", *configs)
    jobs = parse_dry_run(text)
    missing = attach_benchmarks(jobs, REPO)
    totals = run_summary(jobs)
    print(f"{totals['jobs']} jobs, {totals['timed_jobs']} timed in the last run"
          + (f" ({len(missing)} not run yet: {', '.join(missing[:5])}...)" if missing else ""))
    print(f"job wall time {totals['wall_s']:.0f} s, CPU {totals['cpu_s']:.0f} s; elapsed {totals['elapsed_s']:.0f} s "
          f"(first start to last end); average concurrency {totals['concurrency']:.2f}")
    length, path = critical_path(jobs)
    print(f"critical path {length:.0f} s = {length / totals['cpu_s']:.1%} of CPU time, {len(path)} jobs:")
    for name in path:
        if jobs[name].wall_s:
            print(f"  {jobs[name].wall_s:7.1f} s  {name} ({jobs[name].benchmark})")
    for cores in (int(c) for c in args.cores.split(",")):
        print(f"simulated makespan on {cores:3d} cores: {makespan(jobs, cores):7.0f} s")
    print(f"longest {args.top} jobs:")
    for job in sorted(jobs.values(), key=lambda j: -j.wall_s)[: args.top]:
        print(f"  {job.wall_s:7.1f} s wall {job.cpu_s:7.1f} s CPU  {job.threads} thread(s)  {job.benchmark}")
    _, seconds = snakemake("--dry-run", *configs)
    print(f"no-op check (snakemake -n on this run): {seconds:.1f} s")
    if args.make_run:
        start = time.perf_counter()
        subprocess.run(["make", "run"], cwd=REPO, capture_output=True, check=True)
        print(f"no-op make run (venv check, dvc repro): {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
