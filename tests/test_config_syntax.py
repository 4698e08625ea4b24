"""YAML syntax errors in config files name the file, line and column (Snakemake's loader does not)."""

import pytest

from physbench.workflow import ConfigError, check_yaml_syntax
from tests.conftest import QUICK_CONFIG, REPO


def test_valid_config_files_pass():
    check_yaml_syntax(REPO / "config.yaml")
    check_yaml_syntax(REPO / QUICK_CONFIG)


@pytest.mark.parametrize("text, line", [
    ("studies:\n  supercon:\n    max_rows: [1500\n  sparc: {}\n", 4),   # unclosed bracket, found on the next key
    ("studies:\n  supercon:\n\tmax_rows: 5\n", 3),                       # a tab in the indentation
    ("a: 1\n b: 2\n", 2),                                                  # a key indented under a scalar
])
def test_syntax_error_names_file_line_and_fix(tmp_path, text, line):
    path = tmp_path / "variant.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as error:
        check_yaml_syntax(path)
    message = str(error.value)
    assert str(path) in message and f"line {line}," in message and "fix the YAML there" in message, message


def test_a_typo_in_a_target_name_gets_the_nearest_configured_names():
    from types import SimpleNamespace

    from physbench.workflow import UnknownNameError, config_entry

    config = {"studies": {"supercon": {"models": {"xgboost": {"estimator": "xgboost"}, "ridge": {}},
                                       "featurisers": ["hamidieh", "fractions"]}}}
    wildcards = SimpleNamespace(model="xgbost", featuriser="fractions")
    assert config_entry(config, "studies/supercon/featurisers/{featuriser}", wildcards) == "fractions"
    assert config_entry(config, "studies/supercon/models/{model}", SimpleNamespace(model="ridge")) == {}
    with pytest.raises(UnknownNameError, match=r"studies.supercon.models has no 'xgbost'. Did you mean 'xgboost'\? "
                                               r"Configured: ridge, xgboost"):
        config_entry(config, "studies/supercon/models/{model}", wildcards)
    with pytest.raises(UnknownNameError, match=r"featurisers has no 'zzz'. Configured: fractions, hamidieh"):
        config_entry(config, "studies/supercon/featurisers/{featuriser}", SimpleNamespace(featuriser="zzz"))
