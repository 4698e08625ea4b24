"""Shared fixtures: the repository's data, and a quick-configuration run of the real workflow."""

from __future__ import annotations

import os
import shutil
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
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))


def run_tool(*command: str, cwd: Path) -> str:
    """Run git, dvc or another command in ``cwd``; fail with its output; return its stdout."""
    result = subprocess.run(command, cwd=cwd, env=TOOL_ENV, capture_output=True, text=True)
    assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    return result.stdout


def run_snakemake(workdir: Path, *args: str, configfiles=(QUICK_CONFIG,), env: dict | None = None,
                  check: bool = True, timeout: float = 1500) -> subprocess.CompletedProcess:
    """Run Snakemake (with the workflow's default profile) in ``workdir``; return the finished process."""
    command = [SNAKEMAKE, "--cores", "2", *args]
    if configfiles:  # last: --configfile takes every following word
        command += ["--configfile", *map(str, configfiles)]
    environment = dict(os.environ, DVC_NO_ANALYTICS="1", **(env or {}))
    result = subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=timeout, env=environment)
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed ({result.returncode}):\n"
                             f"{result.stdout[-5000:]}\n{result.stderr[-8000:]}")
    return result


@pytest.fixture(scope="session")
def quick_run(tmp_path_factory) -> Path:
    """The whole quick configuration, run once for the test session; returns the run directory."""
    workdir = copy_project(tmp_path_factory.mktemp("quick_run"))
    run_snakemake(workdir)
    return workdir


def shadow_package(tmp_path: Path, add: dict[str, str] | None = None, edit: tuple[str, ...] = ()) -> dict:
    """Environment that puts a copy of the package first on PYTHONPATH: ``add`` writes new modules
    (path under physbench/ -> source), ``edit`` appends a comment to existing ones.

    The package is installed editable from the repository's src/; the copy shadows it, so the rules'
    code fingerprints see the change and the repository stays as is.
    """
    from physbench.provenance import PACKAGE_DIR

    root = tmp_path / "src"
    shutil.copytree(PACKAGE_DIR, root / "physbench", ignore=shutil.ignore_patterns("__pycache__"))
    for relative, text in (add or {}).items():
        (root / "physbench" / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / "physbench" / relative).write_text(text.lstrip())
    for relative in edit:
        target = root / "physbench" / relative
        target.write_text(target.read_text() + "\n# edited by a test\n")
    return {"PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}


def pytest_collection_modifyitems(items):
    """Run the Slurm cluster test last. Once its daemons have stopped, Slurm's tools stay installed,
    and the Slurm executor plugin, which Snakemake imports at every start, asks `scontrol` for the
    cluster's settings and waits about 9 s for the stopped controller: every later Snakemake run in
    the session would pay that."""
    items.sort(key=lambda item: "tests/cluster/test_slurm.py" in item.nodeid)
