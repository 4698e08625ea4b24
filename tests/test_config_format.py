"""config.yaml is laid out the way DVC writes it back, so that setting one value changes one line.

`dvc exp run -S key=value` (and `dvc exp run --queue -S ...`) rewrites the whole params file through
ruamel.yaml (`dvc.utils.serialize.modify_yaml`, reached through `dvc.utils.hydra.apply_overrides`): it
wraps lines at 80 characters, re-wraps long flow mappings and lists, writes every list that is not inside
a flow mapping in block style, and writes null as an empty value. A config.yaml that is not already in
that form turns a one-value experiment into a diff of the whole file. These checks fail when an edit
leaves it out of that form: rewrite the edited entry the way DVC writes it (a round trip shows how).
"""

import difflib
import shutil

import yaml
from dvc.utils.hydra import apply_overrides
from dvc.utils.serialize import modify_yaml

from tests.conftest import REPO

KEY = ("studies", "supercon", "models", "xgboost", "params", "max_depth")


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def copy_config(tmp_path):
    path = tmp_path / "config.yaml"
    shutil.copy(REPO / "config.yaml", path)
    return path, path.read_text()


def current_value(text: str) -> int:
    value = yaml.safe_load(text)
    for key in KEY:
        value = value[key]
    return value


def test_round_trip_leaves_config_byte_identical(tmp_path):
    path, before = copy_config(tmp_path)
    with modify_yaml(path):
        pass
    assert changed_lines(before, path.read_text()) == []
    assert path.read_text() == before


def test_setting_one_value_changes_one_line(tmp_path):
    path, before = copy_config(tmp_path)
    value = current_value(before)
    with modify_yaml(path) as data:
        node = data
        for key in KEY[:-1]:
            node = node[key]
        node[KEY[-1]] = value + 1
    assert changed_lines(before, path.read_text()) == [f"-          max_depth: {value}",
                                                       f"+          max_depth: {value + 1}"]


def test_dvc_exp_set_param_changes_one_line(tmp_path):
    """The path `dvc exp run -S` takes: it also replaces every list, so flow-style lists would be rewritten."""
    path, before = copy_config(tmp_path)
    value = current_value(before)
    apply_overrides(path, [f"{'.'.join(KEY)}={value + 1}"])
    assert changed_lines(before, path.read_text()) == [f"-          max_depth: {value}",
                                                       f"+          max_depth: {value + 1}"]
