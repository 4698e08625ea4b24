"""The physbench command line: --version, list, show."""

import json

import pytest

from physbench import __version__
from physbench.cli import main


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.strip() == f"physbench {__version__}"


def test_list_shows_studies_models_settings_and_datasets(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "  supercon\n    models: mean, linear" in out and "forecasters: linear_ar" in out
    assert "settings: multivariate, univariate" in out and "datasets:\n  supercon:" in out


def test_list_merges_a_config_file(tmp_path, capsys):
    variant = tmp_path / "variant.yaml"
    variant.write_text("studies:\n  sparc:\n    settings: {li2020: {}, mine: {}}\n")
    assert main(["list", "--configfile", str(variant)]) == 0
    assert "settings: li2020, lcdm, mine" in capsys.readouterr().out


def test_show_prints_the_headline_and_names_the_nearest_study(tmp_path, capsys):
    (tmp_path / "toy").mkdir()
    (tmp_path / "toy/summary.json").write_text(json.dumps({"headline": {"best_rmse_kelvin": 9.39731, "model": "x"}}))
    assert main(["show", "toy", "--results", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "headline.best_rmse_kelvin  9.397" in out and "headline.model" in out
    assert main(["show", "tyo", "--results", str(tmp_path)]) == 2
    assert "did you mean 'toy'?" in capsys.readouterr().err
