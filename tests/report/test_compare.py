"""physbench compare: paired differences, Wilcoxon test, flags, one-sided keys; across git revisions."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from physbench.cli import main
from physbench.compare import CompareError, compare_metrics, read_directory, read_revision, run_compare, slug
from physbench.metrics import metrics_frame, undefined_note, write_metrics
from physbench.provenance import Provenance
from tests.conftest import DVC, run_tool

BIN = Path(sys.executable).parent
MODELS = {"mean": 30.0, "ridge": 18.0, "xgboost": 9.5}
FOLDS = 6


def study_metrics(study: str, shift: dict | None = None, config: str = "base") -> pd.DataFrame:
    """Synthetic metrics: per model and fold an rmse (K), an r2 and a fit time; ``shift`` adds to models' rmse."""
    rng = np.random.default_rng(7)
    rows = []
    for model, level in MODELS.items():
        for fold in range(FOLDS):
            rmse = level + rng.normal(0, 0.5) + (shift or {}).get(model, 0.0)
            for metric, value, unit in (("rmse", rmse, "K"), ("r2", rng.uniform(0.5, 0.9), "1"),
                                        ("fit_seconds", rng.uniform(0.1, 2.0), "s")):
                rows.append({"study": study, "dataset": study, "setting": "default", "unit": "all", "model": model,
                             "split": "kfold", "fold": fold, "metric": metric, "value": value, "metric_unit": unit})
    return metrics_frame(rows, Provenance("0.1.0", config, "0" * 64, None))


def test_shift_of_one_model_is_the_only_change_with_sign_size_and_exact_p():
    a = study_metrics("toy")
    b = study_metrics("toy", shift={"ridge": 0.25})
    b.loc[b["metric"] == "fit_seconds", "value"] *= 3  # timings always move; ignored by default
    table, one_sided = compare_metrics(a, b)
    changed = table[table["flagged"]]
    assert len(changed) == 1 and one_sided.empty
    row = changed.iloc[0]
    assert (row["model"], row["metric"], row["metric_unit"]) == ("ridge", "rmse", "K")
    assert row["diff"] == pytest.approx(0.25) and row["diff"] > 0
    assert row["mean_b"] - row["mean_a"] == pytest.approx(0.25)
    assert row["rel_diff"] == pytest.approx(0.25 / row["mean_a"])
    assert row["n_pairs"] == FOLDS and row["n_changed"] == FOLDS
    # All six differences positive: exact two-sided signed-rank p = 2 / 2**6.
    assert row["p_value"] == pytest.approx(2 / 2**FOLDS) and row["significant"]
    assert set(table.loc[table["metric"] == "fit_seconds", "status"]) == {"ignored"}
    assert set(table.loc[~table["flagged"] & (table["metric"] != "fit_seconds"), "status"]) == {"unchanged"}


def test_one_replicate_beyond_the_threshold_does_not_flag_an_unmoved_mean():
    """The rule printed is the rule applied: |mean B − mean A| against the threshold, not any single unit."""
    a = study_metrics("toy")
    b = a.copy()
    moved = (b["model"] == "ridge") & (b["metric"] == "rmse") & (b["fold"] == 0)
    b.loc[moved, "value"] *= 1.03  # one fold +3 %: the mean moves by 0.5 %
    table, _ = compare_metrics(a, b)
    row = table[(table["model"] == "ridge") & (table["metric"] == "rmse")].iloc[0]
    assert row["n_changed"] == 1 and abs(row["rel_diff"]) < 0.01 and not row["flagged"]
    assert row["status"] == "unchanged"


def test_sub_population_units_are_compared_on_their_own_not_averaged():
    """SuperCon's units are sub-populations (its page says so): each is its own row, paired over folds."""
    rows = []
    for unit, level in (("all", 10.0), ("cuprate", 14.0), ("iron", 8.0)):
        for fold in range(FOLDS):
            rows.append({"study": "supercon", "dataset": "hamidieh", "setting": "hamidieh", "unit": unit,
                         "model": "ridge", "split": "kfold5", "fold": fold, "metric": "rmse",
                         "value": level + 0.1 * fold, "metric_unit": "K"})
    a = metrics_frame(rows, Provenance("0.1.0", "c", "0" * 64, None))
    b = a.copy()
    b.loc[b["unit"] == "iron", "value"] += 0.5
    table, _ = compare_metrics(a, b)
    assert sorted(table["population"]) == ["all", "cuprate", "iron"]
    all_rows = table.set_index("population")
    assert all_rows.loc["all", "mean_a"] == pytest.approx(10.25) and all_rows.loc["all", "n_pairs"] == FOLDS
    assert list(table.loc[table["flagged"], "population"]) == ["iron"]
    assert all_rows.loc["iron", "diff"] == pytest.approx(0.5)
    # A study without such a declaration pairs over its units: one row for all of them.
    replicate, _ = compare_metrics(a.assign(study="toy"), b.assign(study="toy"))
    assert list(replicate["population"]) == ["all"] and replicate["n_pairs"].iloc[0] == 3 * FOLDS


def test_threshold_is_relative_to_the_baseline():
    a = study_metrics("toy")
    b = a.copy()
    b.loc[(b["model"] == "xgboost") & (b["metric"] == "rmse"), "value"] *= 1.005  # 0.5% < 1% default
    assert not compare_metrics(a, b)[0]["flagged"].any()
    assert compare_metrics(a, b, threshold=0.001)[0]["flagged"].sum() == 1


def test_one_sided_units_and_new_failures_are_listed_and_flagged():
    a = study_metrics("toy")
    b = a[~((a["model"] == "mean") & (a["fold"] == 5))].copy()  # a fold only in A
    extra = b[(b["model"] == "xgboost") & (b["fold"] == 0)].assign(fold=9)  # a fold only in B
    b = pd.concat([b, extra], ignore_index=True)
    failed = (b["model"] == "ridge") & (b["metric"] == "r2") & (b["fold"] == 2)
    b.loc[failed, "value"] = np.nan
    table, one_sided = compare_metrics(a, b)
    assert sorted(one_sided.groupby("side").size().items()) == [("A", 3), ("B", 3)]
    assert set(one_sided.loc[one_sided["side"] == "A", "model"]) == {"mean"}
    assert set(one_sided.loc[one_sided["side"] == "B", "fold"]) == {9}
    ridge_r2 = table[(table["model"] == "ridge") & (table["metric"] == "r2")].iloc[0]
    assert ridge_r2["flagged"] and ridge_r2["n_failure_changes"] == 1 and ridge_r2["n_failed_b"] == 1
    assert ridge_r2["diff"] == pytest.approx(0.0)
    mean_rmse = table[(table["model"] == "mean") & (table["metric"] == "rmse")].iloc[0]
    assert mean_rmse["n_only_a"] == 1 and mean_rmse["n_pairs"] == FOLDS - 1 and not mean_rmse["flagged"]


def test_values_undefined_by_construction_are_not_failures():
    a = study_metrics("toy")
    undefined = (a["model"] == "mean") & (a["metric"] == "r2")
    a.loc[undefined, ["value", "note"]] = [np.nan, undefined_note("constant prediction")]
    b = a.copy()
    b.loc[(b["model"] == "ridge") & (b["metric"] == "r2") & (b["fold"] == 2), "value"] = np.nan  # a real failure
    table = compare_metrics(a, b)[0].set_index(["model", "metric"])
    mean_r2, ridge_r2 = table.loc[("mean", "r2")], table.loc[("ridge", "r2")]
    assert (mean_r2["n_undefined_a"], mean_r2["n_undefined_b"], mean_r2["n_failed_a"], mean_r2["n_failed_b"]) == (
        FOLDS, FOLDS, 0, 0)
    assert not mean_r2["flagged"]
    assert (ridge_r2["n_failed_b"], ridge_r2["n_undefined_b"], ridge_r2["flagged"]) == (1, 0, True)


def test_model_on_one_side_only_has_its_own_status():
    a = study_metrics("toy")
    b = a[a["model"] != "xgboost"]
    table, one_sided = compare_metrics(a, b)
    assert set(table.loc[table["model"] == "xgboost", "status"]) == {"only in A"}
    assert len(one_sided) == FOLDS * 3


def test_directory_reader_accepts_run_dir_results_dir_and_file(tmp_path):
    write_metrics(study_metrics("toy"), tmp_path / "results/toy/metrics.parquet")
    write_metrics(study_metrics("other"), tmp_path / "results/other/metrics.parquet")
    assert set(read_directory(tmp_path).metrics["study"]) == {"toy", "other"}
    assert set(read_directory(tmp_path / "results", studies=["toy"]).metrics["study"]) == {"toy"}
    assert len(read_directory(tmp_path / "results/toy/metrics.parquet").metrics) == len(MODELS) * FOLDS * 3
    (tmp_path / "empty").mkdir()
    with pytest.raises(CompareError, match="no metrics found"):
        read_directory(tmp_path / "empty")


def test_slug_keeps_revision_syntax():
    assert slug("HEAD~1") == "HEAD~1" and slug("feature/x") == "feature_x" and slug("runs/variant/") == "runs_variant"


@pytest.fixture(scope="module")
def versioned_repo(tmp_path_factory) -> Path:
    """A git + DVC repository with two tagged versions of the results; v2 changes one model.

    ``results/toy`` is DVC-tracked (as the pipeline's outputs are), ``results/other`` git-tracked.
    """
    repo = tmp_path_factory.mktemp("versioned")
    run_tool("git", "init", "-q", "-b", "main", cwd=repo)
    run_tool(DVC, "init", "-q", cwd=repo)
    for tag, shift in (("v1", {}), ("v2", {"xgboost": -0.4})):
        write_metrics(study_metrics("toy", shift, config=tag), repo / "results/toy/metrics.parquet")
        write_metrics(study_metrics("other"), repo / "results/other/metrics.parquet")
        (repo / "results/summary.json").write_text(json.dumps({"toy": {"version": tag}}))
        run_tool(DVC, "add", "-q", "results/toy", cwd=repo)
        run_tool("git", "add", "-A", cwd=repo)
        run_tool("git", "commit", "-q", "-m", f"results {tag}", cwd=repo)
        run_tool("git", "tag", tag, cwd=repo)
    return repo


def test_revision_reader_reads_dvc_and_git_tracked_metrics(versioned_repo):
    version = read_revision("v1", versioned_repo)
    assert set(version.metrics["study"]) == {"toy", "other"}
    assert set(version.metrics["config_hash"][version.metrics["study"] == "toy"]) == {"v1"}
    with pytest.raises(CompareError, match="no-such-tag"):
        read_revision("no-such-tag", versioned_repo)


def test_physbench_compare_between_tags_finds_exactly_the_changed_model(versioned_repo):
    out = run_tool(str(BIN / "physbench"), "compare", "v1", "v2", cwd=versioned_repo)
    assert "1 changed" in out and "CHANGED toy/default/xgboost/kfold rmse" in out and "diff -0.4 K" in out
    # The folder is named by the commits, so that a moved tag or HEAD never overwrites it.
    v1, v2 = (run_tool("git", "rev-parse", tag, cwd=versioned_repo).strip()[:12] for tag in ("v1", "v2"))
    folder = versioned_repo / f"results/compare/{v1}..{v2}"
    table = pd.read_parquet(folder / "comparison.parquet")
    changed = table[table["flagged"]]
    assert list(zip(changed["study"], changed["model"], changed["metric"])) == [("toy", "xgboost", "rmse")]
    assert changed["diff"].iloc[0] == pytest.approx(-0.4)
    assert changed["p_value"].iloc[0] == pytest.approx(2 / 2**FOLDS)
    assert set(table.loc[~table["flagged"], "status"]) == {"unchanged", "ignored"}
    assert pd.read_parquet(folder / "one_sided.parquet").empty
    page = (folder / "index.html").read_text()
    assert "Comparison v1 → v2" in page and "http://" not in page and "https://" not in page


def test_clone_without_dvc_objects_reads_the_git_tracked_baseline(versioned_repo, tmp_path, caplog):
    """A fresh clone has no DVC cache and no remote: a revision's DVC-tracked metrics cannot be read.
    Without a baseline the error says to fetch them; with the git-tracked baseline, compare works."""
    clone = tmp_path / "clone"
    run_tool("git", "clone", "-q", str(versioned_repo), str(clone), cwd=tmp_path)
    with pytest.raises(CompareError, match="dvc fetch"):
        read_revision("v1", clone, studies=["toy"])
    for tag, shift in (("v1", {}), ("v2", {"xgboost": -0.4})):
        run_tool("git", "checkout", "-q", tag, cwd=clone)
        both = pd.concat([study_metrics("toy", shift, config=tag), study_metrics("other")], ignore_index=True)
        write_metrics(both, clone / "baseline/metrics.parquet")
        run_tool("git", "add", "baseline", cwd=clone)
        run_tool("git", "commit", "-q", "-m", f"baseline {tag}", cwd=clone)
        run_tool("git", "tag", "-f", f"{tag}b", cwd=clone)
    result = run_compare("v1b", "v2b", repo=clone, out_dir=tmp_path / "out")
    assert result["a"].files == ("baseline/metrics.parquet",) and "not in the cache" in caplog.text
    assert set(result["table"].loc[result["table"]["flagged"], "model"]) == {"xgboost"}


def test_revision_against_working_tree_directory_and_exit_status(versioned_repo, tmp_path):
    out_dir = tmp_path / "cmp"
    status = main(["compare", "v1", str(versioned_repo / "results"), "--repo", str(versioned_repo), "--out",
                   str(out_dir), "--study", "toy", "--fail-on-change"])
    assert status == 1
    table = pd.read_parquet(out_dir / "comparison.parquet")
    assert set(table["study"]) == {"toy"}
    assert set(table.loc[table["flagged"], "model"]) == {"xgboost"}
    assert main(["compare", "v2", str(versioned_repo / "results"), "--repo", str(versioned_repo), "--out",
                 str(tmp_path / "same"), "--fail-on-change"]) == 0


@pytest.mark.parametrize("name, write, message", [
    ("truncated", lambda p, good: p.write_bytes(good.read_bytes()[:500]), "not a readable Parquet file"),
    ("empty", lambda p, good: p.write_bytes(b""), "not a readable Parquet file"),
    ("text", lambda p, good: p.write_text("study,value\n"), "not a readable Parquet file"),
    ("schema", lambda p, good: pd.DataFrame({"a": [1]}).to_parquet(p), "metrics schema"),
    ("duplicates", lambda p, good: pd.concat([pd.read_parquet(good)] * 2).to_parquet(p), "duplicate metric key"),
])
def test_unreadable_metrics_exit_2_naming_the_file(tmp_path, capsys, name, write, message):
    good = tmp_path / "good/results/toy/metrics.parquet"
    write_metrics(study_metrics("toy"), good)
    bad = tmp_path / name / "results/toy/metrics.parquet"
    bad.parent.mkdir(parents=True)
    write(bad, good)
    assert main(["compare", str(tmp_path / "good"), str(tmp_path / name), "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert str(bad) in error and message in error and "Traceback" not in error


def test_two_empty_result_sets_compare_to_nothing(tmp_path, capsys):
    for side in ("a", "b"):
        write_metrics(study_metrics("toy").iloc[:0], tmp_path / side / "results/toy/metrics.parquet")
    assert main(["compare", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "out")]) == 0
    assert "(0 rows)" in capsys.readouterr().out
    assert len(pd.read_parquet(tmp_path / "out/comparison.parquet")) == 0
