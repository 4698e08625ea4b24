"""Cross-reference checks of studies.chaos that the schema cannot express."""

import copy
from pathlib import Path

import pytest
import yaml

from physbench.workflow import ConfigError, check_config

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def config():
    return yaml.safe_load((REPO / "config.yaml").read_text())


def test_repository_config_passes(config):
    check_config(config)


@pytest.mark.parametrize("edit, message", [
    (lambda c: c["report"].update(panel_models=["lstm"]), "panel_models"),
    (lambda c: c["report"].update(smape_metric="smape_7period"), "smape_metric"),
    (lambda c: c.update(source="json", json_file=None), "json_file"),
    (lambda c: c["forecasters"]["esn"]["params"].update(washout=500), "context_points"),
])
def test_inconsistent_chaos_settings_name_the_key(config, edit, message):
    bad = copy.deepcopy(config)
    edit(bad["studies"]["chaos"])
    with pytest.raises(ConfigError, match=message):
        check_config(bad)
