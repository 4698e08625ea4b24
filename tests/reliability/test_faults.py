"""Faults: a run killed with SIGKILL resumes to the same metrics; forced reruns reproduce every study."""

import base64
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import QUICK_CONFIG, SNAKEMAKE, run_snakemake
from tests.reliability.common import assert_same_metrics, clone_run, readable_parquet_files

pytestmark = pytest.mark.workflow  # runs Snakemake, git or DVC: not in the fast tier

# Passed explicitly: Snakemake looks for profiles/default next to the Snakefile, not workflow/profiles/.
PROFILE = ("--workflow-profile", "workflow/profiles/default")
# Cells rerun by the killed run: cheap ones (scheduled first) and two 2-thread xgboost fits.
KILLED_CELLS = [("hamidieh", "hamidieh25", "linear"), ("fractions", "kfold5", "ridge"),
                ("hamidieh", "kfold5", "xgboost"), ("hamidieh", "group_kfold5", "xgboost")]


def incomplete_outputs(run: Path) -> list[str]:
    """Outputs Snakemake has marked as being written by a job that has not finished."""
    markers = run / ".snakemake/incomplete"
    names = [p.name for p in markers.iterdir() if p.is_file()] if markers.is_dir() else []
    return sorted(base64.urlsafe_b64decode(name).decode() for name in names if not name.startswith("@"))


def test_sigkill_mid_study_then_resume_gives_the_same_metrics(quick_run, tmp_path):
    run = clone_run(quick_run, tmp_path / "run")
    cells = [run / "results-quick/supercon/runs" / f / s / m / "chunk0" for f, s, m in KILLED_CELLS]
    started = time.time()
    forced = [str((cell / "metrics.parquet").relative_to(run)) for cell in cells]
    with open(tmp_path / "killed.log", "w") as log:
        process = subprocess.Popen([SNAKEMAKE, "--cores", "2", "--force", *forced, "--configfile", QUICK_CONFIG],
                                   cwd=run,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                   env=dict(os.environ, DVC_NO_ANALYTICS="1"))
        deadline = time.monotonic() + 600
        while True:
            finished = [c for c in cells if (c / "metrics.parquet").exists()
                        and (c / "metrics.parquet").stat().st_mtime > started]
            running = [p for p in incomplete_outputs(run) if p.startswith("results-quick/supercon/runs/")]
            if finished and running:
                break
            assert process.poll() is None, "the run finished before it could be killed"
            assert time.monotonic() < deadline, "no job finished within 600 s"
            time.sleep(0.1)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    # Every Parquet file the kill left behind is whole (outputs are written to a temp file and renamed).
    readable_parquet_files(run / "results-quick")
    interrupted = incomplete_outputs(run)
    assert interrupted, "the killed jobs left no incomplete markers"
    # Also a writer that is not atomic: put torn Parquet where the killed jobs were writing.
    for output in interrupted:
        reference = quick_run / output
        (run / output).write_bytes(reference.read_bytes()[:200] if reference.exists() else b"PAR1")
    # Resume as a user would: release the dead run's lock, rerun with the profile (rerun-incomplete).
    run_snakemake(run, "--unlock", "supercon")
    resumed = run_snakemake(run, *PROFILE, "supercon")
    assert "Nothing to be done" not in resumed.stdout + resumed.stderr
    assert all((run / output).exists() for output in interrupted)
    readable_parquet_files(run / "results-quick")
    assert assert_same_metrics(run / "results-quick/supercon/metrics.parquet",
                               quick_run / "results-quick/supercon/metrics.parquet") > 500
    assert "Nothing to be done" in run_snakemake(run, "--dry-run", "supercon").stdout


def test_forced_reruns_reproduce_each_studys_metrics(quick_run, tmp_path):
    """Determinism: one job per study rerun from scratch writes the same numbers as the quick run."""
    run = clone_run(quick_run, tmp_path / "run")
    patterns = ("results-quick/supercon/runs/hamidieh/hamidieh25/random_forest/chunk0/metrics.parquet",
                "results-quick/chaos/metrics/*/esn/chunk0.parquet",
                "results-quick/sparc/fits/*/nfw/chunk0/metrics.parquet")
    jobs = [str(sorted(run.glob(pattern))[0].relative_to(run)) for pattern in patterns]
    for job in jobs:
        (run / job).unlink()
    run_snakemake(run, *jobs)
    for job in jobs:
        assert_same_metrics(run / job, quick_run / job)
