"""Time the SuperCon study: total wall time and seconds per (featuriser, split scheme, model) job.

    python benchmarks/supercon_timing.py                       # read the benchmark files of the last run here
    python benchmarks/supercon_timing.py --run tests/config/quick.yaml   # run the study in a fresh copy, then report
    python benchmarks/supercon_timing.py --run config.yaml     # the full study (19 minutes on 2 idle cores)

Figures come from Snakemake's benchmark files (results/benchmarks/supercon/), i.e. each job's wall
time including Python start-up; the per-fold fit seconds come from the metrics table.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from physbench.workflow import copy_workflow

REPO = Path(__file__).resolve().parents[1]


def run_study(config: str, cores: int) -> tuple[Path, float]:
    workdir = copy_workflow(REPO, Path(tempfile.mkdtemp(prefix="physbench-bench-")))
    command = [str(Path(sys.executable).with_name("snakemake")), "supercon", "--cores", str(cores)]
    if config != "config.yaml":
        command += ["--configfile", config]
    start = time.perf_counter()
    subprocess.run(command, cwd=workdir, check=True)
    return workdir, time.perf_counter() - start


def job_seconds(workdir: Path) -> pd.DataFrame:
    rows = []
    for tsv in sorted((workdir / "results/benchmarks/supercon/fit").glob("*.tsv")):
        record = pd.read_csv(tsv, sep="\t").iloc[-1]
        rows.append({"job": tsv.stem, "seconds": float(record["s"]), "max_rss_mb": float(record["max_rss"])})
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", metavar="CONFIG", help="run the study with this config in a fresh copy first")
    parser.add_argument("--workdir", type=Path, default=REPO, help="run directory to read (default: repository)")
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    workdir = args.workdir
    if args.run:
        workdir, total = run_study(args.run, args.cores)
        print(f"study wall time ({args.run}, {args.cores} cores): {total:.1f} s")
    jobs = job_seconds(workdir)
    if jobs.empty:
        sys.exit(f"no benchmark files under {workdir}/results/benchmarks/supercon/fit: run the study first")
    metrics = pd.read_parquet(workdir / "results/supercon/metrics.parquet")
    fit = metrics[metrics["metric"] == "fit_seconds"].groupby(["setting", "split", "model"])["value"]
    table = pd.DataFrame({"folds": fit.size(), "fit_s_per_fold": fit.mean(), "fit_s_total": fit.sum()})
    table["job_s"] = [jobs.set_index("job")["seconds"].get(f"{f}_{s}_{m}") for f, s, m in table.index]
    pd.set_option("display.width", 160)
    print(table.round(2).sort_values("job_s", ascending=False).to_string())
    print(f"sum of fit jobs: {jobs['seconds'].sum():.1f} s over {len(jobs)} jobs; "
          f"peak RSS {jobs['max_rss_mb'].max():.0f} MB")


if __name__ == "__main__":
    main()
