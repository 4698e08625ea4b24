"""Shared fixtures: the repository's data, and a quick-configuration run of the real workflow."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
QUICK_CONFIG = "tests/config/quick.yaml"
# What a workflow run needs from the repository (a fresh clone has exactly these, tracked).
PROJECT_PARTS = ("Snakefile", "config.yaml", "profiles", "workflow", "scripts", "data/snapshots", "tests/config")


def copy_project(destination: Path) -> Path:
    """Copy the workflow and its vendored data into ``destination`` (no results, no caches)."""
    destination.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = REPO / part
        target = destination / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(source.readlink())
        elif source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    return destination


def run_snakemake(workdir: Path, *args: str, configfile: str | None = QUICK_CONFIG, check: bool = True,
                  timeout: float = 1500) -> subprocess.CompletedProcess:
    """Run Snakemake in ``workdir`` with the project's default profile; return the finished process."""
    command = [str(Path(sys.executable).with_name("snakemake")), "--cores", "2"]
    if configfile:
        command += ["--configfile", configfile]
    command += list(args)
    env = dict(os.environ, DVC_NO_ANALYTICS="1")
    result = subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=timeout, env=env)
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed ({result.returncode}):\n{result.stdout[-5000:]}\n{result.stderr[-8000:]}")
    return result


@pytest.fixture(scope="session")
def quick_run(tmp_path_factory) -> Path:
    """The whole quick configuration, run once for the test session; returns the run directory."""
    workdir = copy_project(tmp_path_factory.mktemp("quick_run"))
    run_snakemake(workdir)
    return workdir
