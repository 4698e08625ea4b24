"""The report rules in the workflow: aggregation of the quick run, partial reports, dvc metrics diff."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from physbench.compare import run_compare
from physbench.io import read_parquet
from physbench.metrics import read_metrics
from physbench.report.build import aggregate_results
from tests.conftest import DVC, QUICK_CONFIG, REPO, copy_project, run_snakemake, run_tool
from tests.reliability.common import clone_run

pytestmark = pytest.mark.workflow  # runs Snakemake, git or DVC: not in the fast tier


def planned_rules(result: subprocess.CompletedProcess) -> set[str]:
    return set(re.findall(r"^rule (\w+):", result.stdout + result.stderr, flags=re.MULTILINE))


def test_quick_run_aggregates_every_study(quick_run):
    studies = {path.parent.name for path in (quick_run / "results-quick").glob("*/summary.json")}
    metrics = read_metrics(quick_run / "results-quick/metrics.parquet")
    assert set(metrics["study"]) == studies
    for study in studies:
        own = read_metrics(quick_run / f"results-quick/{study}/metrics.parquet")
        assert len(metrics[metrics["study"] == study]) == len(own)
    summary = json.loads((quick_run / "results-quick/summary.json").read_text())
    assert set(summary) == studies
    for study, entry in summary.items():
        assert entry["counts"]["n_metric_rows"] == int((metrics["study"] == study).sum())
        assert entry["headline"], f"{study}: no headline numbers"
    page = (quick_run / "results-quick/report/index.html").read_text()
    for study in studies:
        assert f'<section class="page" id="{study}">' in page


def test_compare_target_is_planned(quick_run):
    result = run_snakemake(quick_run, "--dry-run", "results-quick/compare/HEAD..workspace/index.html")
    assert "compare_versions" in planned_rules(result)


def test_compare_of_two_quick_runs_flags_exactly_the_edited_model_with_the_reports_numbers(quick_run, tmp_path):
    """Two real runs that differ in one model's parameter: compare flags that model's rows and no other,
    with the numbers of the study's leaderboard (what the report shows)."""
    variant = clone_run(quick_run, tmp_path / "variant")
    (variant / "ridge.yaml").write_text(yaml.safe_dump({"studies": {"supercon": {"models": {"ridge": {
        "params": {"alpha": 300.0}}}}}}))
    run_snakemake(variant, "supercon", configfiles=(QUICK_CONFIG, "ridge.yaml"))
    result = run_compare(str(quick_run / "results-quick"), str(variant / "results-quick"), out_dir=tmp_path / "cmp")
    table = result["table"]
    flagged = table[table["flagged"]]
    assert set(flagged["model"]) == {"ridge"} and set(flagged["study"]) == {"supercon"}
    assert set(table.loc[(table["model"] != "ridge") & (table["status"] != "ignored"), "status"]) == {"unchanged"}
    # SuperCon's units are sub-populations: one row per unit, never averaged over them.
    rmse = table[(table["model"] == "ridge") & (table["metric"] == "rmse")]
    assert {"all", "cuprate", "iron", "other"} <= set(rmse["population"]) and rmse["flagged"].any()
    # The rule applied is the rule printed: the mean moved by more than 1 % of A.
    assert (rmse["flagged"] == ((rmse["mean_b"] - rmse["mean_a"]).abs() > 0.01 * rmse["mean_a"].abs())).all()
    for side, run in (("mean_a", quick_run), ("mean_b", variant)):
        board = read_parquet(run / "results-quick/supercon/leaderboard.parquet").set_index(
            ["featuriser", "split", "model"])
        for row in rmse[rmse["population"] == "all"].itertuples():
            assert getattr(row, side) == pytest.approx(board.loc[(row.setting, row.split, "ridge"), "rmse_mean"],
                                                       rel=1e-12)
    names = result["paths"]["html"].read_text()
    assert "ridge" in names and "or a replicate missing (failed or undefined) on one side only" in names


def test_report_of_one_study_plans_only_that_study(tmp_path):
    project = copy_project(tmp_path / "project")
    rules = planned_rules(run_snakemake(project, "--dry-run", "supercon", "report"))
    assert {"report_aggregate", "report_html", "supercon_fit"} <= rules
    assert not {rule for rule in rules if rule.startswith(("sparc", "chaos"))}, rules


def test_dvc_metrics_diff_reads_summary_json(synthetic_results, tmp_path):
    repo = tmp_path / "repo"
    (repo / "baseline").mkdir(parents=True)
    shutil.copy(REPO / "dvc.yaml", repo / "dvc.yaml")

    def commit(results: Path, message: str) -> None:
        aggregate_results({"supercon": results / "supercon/metrics.parquet"},
                          {"supercon": results / "supercon/summary.json"},
                          tmp_path / "metrics.parquet", repo / "baseline/summary.json")
        run_tool("git", "add", "dvc.yaml", "baseline/summary.json", cwd=repo)
        run_tool("git", "commit", "-q", "-m", message, cwd=repo)

    run_tool("git", "init", "-q", cwd=repo)
    run_tool(DVC, "init", "-q", cwd=repo)
    commit(synthetic_results, "v1")
    summary = json.loads((synthetic_results / "supercon/summary.json").read_text())
    (synthetic_results / "supercon/summary.json").write_text(json.dumps({**summary, "best_rmse_kelvin": 8.6}))
    commit(synthetic_results, "v2")
    diff = json.loads(run_tool(DVC, "metrics", "diff", "HEAD~1", "HEAD", "--json", cwd=repo))["baseline/summary.json"]
    assert diff == {"supercon.headline.best_rmse_kelvin": {"old": 9.1, "new": 8.6, "diff": pytest.approx(-0.5)}}
