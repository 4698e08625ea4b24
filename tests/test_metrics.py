"""The common metrics schema: valid tables round-trip, wrong ones are rejected with a clear message."""

import os
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from physbench.metrics import (
    COLUMNS,
    MetricsSchemaError,
    aggregate,
    failed_values,
    metric_counts,
    metrics_frame,
    read_metrics,
    regression_scores,
    undefined_note,
    undefined_scores,
    undefined_values,
    write_metrics,
)
from physbench.provenance import PACKAGE_DIR, Provenance, code_closure, code_fingerprint, config_hash, imported_modules

PROVENANCE = Provenance("0.1.0", "abc", "f" * 64, None)


def rows(model="m", n=2):
    return [{"study": "s", "dataset": "d", "setting": "x", "unit": "all", "model": model, "split": "k", "fold": i,
             "metric": "rmse", "value": 1.0 + i, "metric_unit": "K"} for i in range(n)]


def test_round_trip_and_aggregate(tmp_path):
    write_metrics(metrics_frame(rows("a"), PROVENANCE), tmp_path / "a.parquet")
    write_metrics(metrics_frame(rows("b"), PROVENANCE), tmp_path / "b.parquet")
    combined = aggregate([tmp_path / "a.parquet", tmp_path / "b.parquet"], tmp_path / "all.parquet")
    assert len(combined) == 4 and list(combined.columns) == list(COLUMNS)
    again = read_metrics(tmp_path / "all.parquet")
    pd.testing.assert_frame_equal(again, combined)
    assert again["fold"].dtype == "int32"


def test_wrong_column_is_rejected(tmp_path):
    frame = metrics_frame(rows(), PROVENANCE).rename(columns={"value": "score"})
    with pytest.raises(MetricsSchemaError, match=r"missing \['value'\].*unexpected \['score'\]"):
        write_metrics(frame, tmp_path / "x.parquet")
    assert not (tmp_path / "x.parquet").exists()


def test_missing_key_and_duplicate_keys_are_rejected():
    frame = metrics_frame(rows(), PROVENANCE)
    with pytest.raises(MetricsSchemaError, match="'model' has missing values"):
        metrics_frame([dict(r, model=None) for r in rows()], PROVENANCE)
    with pytest.raises(MetricsSchemaError, match="duplicate metric key"):
        metrics_frame(rows() + rows(), PROVENANCE)
    with pytest.raises(MetricsSchemaError, match="'unit' must hold strings"):
        metrics_frame([dict(r, unit=3) for r in rows()], PROVENANCE)
    assert frame["package_version"].eq("0.1.0").all()


def test_duplicate_across_files_rejected_on_aggregate(tmp_path):
    for name in ("a", "b"):
        write_metrics(metrics_frame(rows("same"), PROVENANCE), tmp_path / f"{name}.parquet")
    with pytest.raises(MetricsSchemaError, match="duplicate"):
        aggregate([tmp_path / "a.parquet", tmp_path / "b.parquet"], tmp_path / "all.parquet")
    assert not (tmp_path / "all.parquet").exists()


def test_regression_scores_known_values():
    scores = regression_scores(np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 2.0, 3.0, 5.0]))
    assert scores["rmse"] == pytest.approx(np.sqrt(0.5))
    assert scores["mae"] == pytest.approx(0.5)
    assert scores["r2"] == pytest.approx(1 - 2 / 5)
    assert scores["max_error"] == 1.0 and scores["bias"] == 0.5
    assert scores["pearson_r2"] == pytest.approx(np.corrcoef([1, 2, 3, 4], [2, 2, 3, 5])[0, 1] ** 2)


def test_scores_of_a_constant_prediction_or_constant_observations_are_undefined_with_a_note():
    observed = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])
    # The training mean: np.std of this constant array is 7e-15, not 0; its correlation is rounding noise.
    constant = np.full(7, 28.33)
    assert np.std(constant) > 0
    scores = regression_scores(observed, constant)
    assert np.isnan(scores["pearson_r2"]) and scores["r2"] == pytest.approx(1 - np.sum((observed - 28.33) ** 2) / 28)
    assert undefined_scores(observed, constant) == {"pearson_r2": "undefined: correlation of a constant prediction"}
    flat = regression_scores(np.full(3, 5.0), np.array([4.0, 5.0, 6.0]))
    assert np.isnan(flat["r2"]) and np.isnan(flat["pearson_r2"]) and flat["rmse"] == pytest.approx(np.sqrt(2 / 3))
    assert undefined_scores(np.full(3, 5.0), np.array([4.0, 5.0, 6.0])) == {
        "r2": "undefined: R² of constant observed values",
        "pearson_r2": "undefined: correlation with constant observed values"}
    assert set(undefined_scores(np.array([5.0]), np.array([4.0]))) == {"r2", "pearson_r2"}
    assert undefined_scores(observed, observed + 1) == {}


def test_a_missing_value_is_undefined_only_when_its_note_starts_with_undefined():
    notes = [undefined_note("reduced chi2 with 4 points <= 5 free parameters") + "; at bound: alpha",
             "fit failed: singular matrix", None, "reduced chi2 undefined: 4 points <= 5 free parameters",
             "undefined: a note on a value that exists"]
    values = [np.nan, np.nan, np.nan, np.nan, 2.0]
    frame = metrics_frame([{**row, "fold": i, "value": value, "note": note}
                           for i, (row, value, note) in enumerate(zip(rows(n=5), values, notes))], PROVENANCE)
    assert undefined_values(frame).tolist() == [True, False, False, False, False]
    assert failed_values(frame).tolist() == [False, True, True, True, False]
    assert metric_counts(frame) == {"n_metric_rows": 5, "n_models": 1, "n_settings": 1, "n_units": 1,
                                    "n_failed_values": 3, "n_failed_units": 1, "n_undefined_values": 1}


def test_config_hash_ignores_key_order():
    assert config_hash({"a": 1, "b": [1, 2]}) == config_hash({"b": [1, 2], "a": 1})
    assert config_hash({"a": 1}) != config_hash({"a": 2})


def test_code_closure_follows_imports_transitively_and_only_physbench(tmp_path):
    script = tmp_path / "step.py"
    script.write_text("import numpy\nfrom physbench.supercon.splits import build_split\n\n"
                      "def later():\n    from physbench import plotting\n")
    names = {p.relative_to(PACKAGE_DIR).as_posix() for p in code_closure(script) if p != script.resolve()}
    # splits imports supercon.data and physbench.io, io nothing else of the package; the function-level
    # import counts too; packages on the way (physbench/, supercon/) run on import.
    assert {"__init__.py", "supercon/__init__.py", "supercon/splits.py", "supercon/data.py", "io.py",
            "plotting.py"} <= names
    assert not {"supercon/evaluate.py", "sparc/__init__.py", "metrics.py"} & names
    # A dotted module name works as an entry; an unknown one names itself.
    assert code_fingerprint("physbench.supercon.splits") != code_fingerprint("physbench.metrics")
    with pytest.raises(FileNotFoundError, match="physbench.nonexistent"):
        code_fingerprint("physbench.nonexistent")



def test_fingerprint_covers_the_data_files_of_the_packages_it_runs(tmp_path):
    """The report's templates are code of the report rules: editing one changes their fingerprint."""
    script = tmp_path / "m" / "scripts" / "report.py"
    script.parent.mkdir(parents=True)
    script.write_text("from physbench.report import build\n")
    assert PACKAGE_DIR / "report/templates/study.html.j2" in code_closure(script)
    assert all(p.suffix == ".py" for p in code_closure("physbench.supercon.splits"))
    shutil.copytree(PACKAGE_DIR, tmp_path / "copy" / "physbench", ignore=shutil.ignore_patterns("__pycache__"))
    hashes = []
    for text in ("", "<!-- edited -->\n"):
        template = tmp_path / "copy/physbench/report/templates/study.html.j2"
        template.write_text(template.read_text() + text)
        result = subprocess.run([sys.executable, "-c", "import sys; from physbench.provenance import code_fingerprint; "
                                 "print(code_fingerprint(sys.argv[1]))", str(script)],
                                env=dict(os.environ, PYTHONPATH=str(tmp_path / "copy")), capture_output=True, text=True,
                                check=True)
        hashes.append(result.stdout.strip())
    assert hashes[0] == code_fingerprint(script) != hashes[1]

def test_imported_modules_lists_only_package_modules():
    assert "physbench.io" in imported_modules(PACKAGE_DIR / "metrics.py")
    assert imported_modules(PACKAGE_DIR / "logs.py") <= {"physbench"}


def test_fingerprint_follows_script_content_not_mtime(tmp_path):
    script = tmp_path / "step.py"
    script.write_text("from physbench import metrics\nprint(1)\n")
    before = code_fingerprint(script)
    os.utime(script, (1e9, 1e9))
    assert code_fingerprint(script) == before
    script.write_text("from physbench import metrics\nprint(2)\n")
    assert code_fingerprint(script) != before


def test_fingerprint_does_not_depend_on_where_the_package_and_script_live(tmp_path):
    """The same code gives the same hash whether the package sorts before or after the script's
    folder (a clone elsewhere, a copy of the package on PYTHONPATH)."""
    script = tmp_path / "m" / "scripts" / "step.py"
    script.parent.mkdir(parents=True)
    script.write_text("from physbench import metrics\n")
    hashes = set()
    for where in ("a", "z"):
        shutil.copytree(PACKAGE_DIR, tmp_path / where / "physbench", ignore=shutil.ignore_patterns("__pycache__"))
        result = subprocess.run([sys.executable, "-c", "import sys; from physbench.provenance import code_fingerprint; "
                                 "print(code_fingerprint(sys.argv[1]))", str(script)],
                                env=dict(os.environ, PYTHONPATH=str(tmp_path / where)), capture_output=True, text=True,
                                check=True)
        hashes.add(result.stdout.strip())
    assert len(hashes) == 1 and code_fingerprint(script) in hashes
