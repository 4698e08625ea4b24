"""Helpers of the reliability and cluster tests: run Snakemake, read its plan, compare metrics."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from physbench.metrics import KEY_COLUMNS, read_metrics
from tests.conftest import run_snakemake

JOB_HEADER = re.compile(r"^(?:local)?rule (\w+):$")
WILDCARDS = re.compile(r"^\s+wildcards: (.*)$")
# sklearn's forests sum per-tree predictions in thread completion order, so runs differ in the last
# bits (~1e-15 relative); anything above this tolerance is a real difference.
RTOL = 1e-9


def planned_jobs(workdir: Path, *args: str, **kwargs) -> list[tuple[str, dict]]:
    """The jobs a dry run would execute: (rule, wildcards) pairs, target rules included."""
    result = run_snakemake(workdir, "--dry-run", *args, **kwargs)
    return jobs_in(result.stdout + result.stderr)


def jobs_in(output: str) -> list[tuple[str, dict]]:
    """(rule, wildcards) of every job Snakemake's output announces (a run's or a dry run's)."""
    jobs = []
    for line in output.splitlines():
        if header := JOB_HEADER.match(line):
            jobs.append((header.group(1), {}))
        elif (wildcards := WILDCARDS.match(line)) and jobs:
            jobs[-1][1].update(item.split("=", 1) for item in wildcards.group(1).split(", "))
    return jobs


def clone_run(source: Path, destination: Path) -> Path:
    """Copy a finished run directory with its Snakemake records (no locks or logs), mtimes kept."""
    def ignore(directory, names):
        if Path(directory) == source / ".snakemake":
            return [n for n in names if n in ("locks", "log", "slurm_logs", "scripts")]
        return [n for n in names if n == "__pycache__"]

    shutil.copytree(source, destination, ignore=ignore, symlinks=True)
    return destination


def comparable_metrics(path: Path) -> pd.DataFrame:
    """A metrics table without wall-clock timings and the git revision, in key order."""
    frame = read_metrics(path)
    frame = frame[frame["metric_unit"] != "s"].drop(columns=["git_revision"])
    return frame.sort_values(list(KEY_COLUMNS)).reset_index(drop=True)


def assert_same_metrics(path_a: Path, path_b: Path) -> int:
    """Same keys, notes and provenance; values equal within :data:`RTOL`. Returns the row count."""
    a, b = comparable_metrics(path_a), comparable_metrics(path_b)
    assert len(a) == len(b) and len(a) > 0, (path_a, len(a), path_b, len(b))
    other = [c for c in a.columns if c != "value"]
    pd.testing.assert_frame_equal(a[other], b[other])
    same = np.isclose(a["value"], b["value"], rtol=RTOL, atol=1e-12, equal_nan=True)
    assert same.all(), a.loc[~same, ["setting", "unit", "model", "split", "fold", "metric"]].assign(
        a=a["value"][~same], b=b["value"][~same]).head(10).to_string()
    return len(a)


def readable_parquet_files(root: Path) -> list[Path]:
    """Every ``*.parquet`` under ``root``; fails naming the first one that is not a whole Parquet file."""
    files = sorted(root.rglob("*.parquet"))
    for file in files:
        try:
            pq.read_metadata(file)
        except Exception as err:  # noqa: BLE001 - any failure means a torn file
            raise AssertionError(f"{file} is not a readable Parquet file: {err}") from err
    return files
