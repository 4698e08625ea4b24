"""``physbench debug``: a rule's script run in this process rebuilds what Snakemake built."""

import subprocess
import sys

import pandas as pd
import pytest

from physbench import cli
from physbench.debug import resolve_job
from tests.conftest import QUICK_CONFIG, copy_project, run_snakemake

pytestmark = pytest.mark.workflow

SPLIT = "results-quick/supercon/splits/kfold5.parquet"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A copy of the workflow where Snakemake built the quick configuration's kfold5 split and its inputs."""
    workdir = copy_project(tmp_path_factory.mktemp("debug"))
    run_snakemake(workdir, SPLIT)
    return workdir


def test_script_run_alone_rebuilds_the_output_of_snakemake(workdir):
    built_by_snakemake = pd.read_parquet(workdir / SPLIT)
    (workdir / SPLIT).unlink()
    (workdir / "logs-quick/supercon/split_kfold5.log").unlink()
    result = subprocess.run([sys.executable, "-m", "physbench.debug", SPLIT, "--configfile", QUICK_CONFIG],
                            cwd=workdir, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(workdir / SPLIT), built_by_snakemake)
    assert built_by_snakemake["fold"].nunique() == 3  # n_splits of the quick configuration, not config.yaml's 5
    assert "3 folds" in (workdir / "logs-quick/supercon/split_kfold5.log").read_text()


def test_rule_and_wildcards_give_the_snakemake_object_of_the_job(workdir):
    job = resolve_job("supercon_split", {"scheme": "group_kfold5"}, [workdir / QUICK_CONFIG], workdir, cores=2)
    assert (job.rule, job.script) == ("supercon_split", workdir / "scripts/supercon_split.py")
    injected = job.snakemake
    assert injected.input.materials == "results-quick/supercon/materials.parquet"
    assert injected.output[0] == "results-quick/supercon/splits/group_kfold5.parquet"
    assert injected.log[0] == "logs-quick/supercon/split_group_kfold5.log"
    assert injected.wildcards.scheme == "group_kfold5"
    assert injected.params.split == {"kind": "group_kfold", "n_splits": 3, "seed": 18012019, "n_chunks": 1}  # lookup()
    assert injected.threads == 1
    assert injected.config["studies"]["supercon"]["max_rows"] == 1500
    assert job.stale_inputs == ()


def test_inputs_that_snakemake_would_rebuild_are_named(workdir):
    # config.yaml's settings (max_rows, n_splits) on the quick run's results: the materials are stale.
    (workdir / "outputs.yaml").write_text("outputs: {results_dir: results-quick, logs_dir: logs-quick, "
                                          "baseline_dir: null}\n")
    job = resolve_job("supercon_split", {"scheme": "group_kfold5"}, [workdir / "outputs.yaml"], workdir=workdir)
    assert job.snakemake.params.split["n_splits"] == 5
    assert job.stale_inputs == ("results-quick/supercon/materials.parquet",)
    assert job.update_command.startswith("snakemake results-quick/supercon/materials.parquet --configfile ")


def test_missing_input_is_named_with_the_command_that_builds_it(workdir, capsys):
    target = "results-quick/supercon/runs/hamidieh/kfold5/xgboost/chunk0/metrics.parquet"
    assert cli.main(["debug", target, "--configfile", str(workdir / QUICK_CONFIG), "-d", str(workdir)]) == 2
    error = capsys.readouterr().err
    assert "input results-quick/supercon/features/hamidieh.parquet does not exist" in error
    assert f"snakemake results-quick/supercon/features/hamidieh.parquet --configfile {QUICK_CONFIG}" in error
