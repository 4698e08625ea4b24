"""Shared fixtures: the repository's data, and a quick-configuration run of the real workflow."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from physbench.workflow import copy_workflow

REPO = Path(__file__).resolve().parents[1]
QUICK_CONFIG = "tests/config/quick.yaml"


def copy_project(destination: Path) -> Path:
    """Copy the workflow and its vendored data into ``destination`` (no results, no caches)."""
    return copy_workflow(REPO, destination)


# git and DVC in test repositories: no analytics, a fixed author.
TOOL_ENV = dict(os.environ, DVC_NO_ANALYTICS="1", GIT_AUTHOR_NAME="physbench-test", GIT_AUTHOR_EMAIL="test@example.org",
                GIT_COMMITTER_NAME="physbench-test", GIT_COMMITTER_EMAIL="test@example.org")
DVC = str(Path(sys.executable).with_name("dvc"))


def run_tool(*command: str, cwd: Path) -> str:
    """Run git, dvc or another command in ``cwd``; fail with its output; return its stdout."""
    result = subprocess.run(command, cwd=cwd, env=TOOL_ENV, capture_output=True, text=True)
    assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    return result.stdout


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
