"""The workflow as a whole: config validation at start-up, and a second run that does nothing."""

import pytest
import yaml

from tests.conftest import copy_project, run_snakemake

pytestmark = pytest.mark.workflow  # runs Snakemake, git or DVC: not in the fast tier


def test_second_run_does_nothing(quick_run):
    result = run_snakemake(quick_run, "--dry-run")
    assert "Nothing to be done" in result.stdout + result.stderr


def _with_config(tmp_path, edit):
    project = copy_project(tmp_path / "project")
    config = yaml.safe_load((project / "config.yaml").read_text())
    edit(config)
    (project / "config.yaml").write_text(yaml.safe_dump(config))
    return run_snakemake(project, "--dry-run", configfiles=(), check=False)


def test_unknown_key_stops_the_run_naming_the_key(tmp_path):
    result = _with_config(tmp_path, lambda c: c["studies"]["supercon"].update(max_rowz=10))
    assert result.returncode != 0
    assert "max_rowz" in result.stdout + result.stderr


def test_wrong_type_stops_the_run_naming_the_key(tmp_path):
    result = _with_config(tmp_path, lambda c: c["studies"]["supercon"].update(max_rows="many"))
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "max_rows" in output and "'many'" in output


def test_unknown_model_name_is_reported_with_the_fix(tmp_path):
    result = _with_config(tmp_path, lambda c: c["studies"]["supercon"]["grid"]["hamidieh"].update(kfold5=["xgboots"]))
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "studies.supercon.grid.hamidieh.kfold5" in output and "xgboots" in output
