"""The report rules in the workflow: aggregation of the quick run, partial reports, dvc metrics diff."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from physbench.metrics import read_metrics
from physbench.report.build import aggregate_results
from tests.conftest import DVC, REPO, copy_project, run_snakemake, run_tool

pytestmark = pytest.mark.workflow  # runs Snakemake, git or DVC: not in the fast tier


def planned_rules(result: subprocess.CompletedProcess) -> set[str]:
    return set(re.findall(r"^rule (\w+):", result.stdout + result.stderr, flags=re.MULTILINE))


def test_quick_run_aggregates_every_study(quick_run):
    studies = {path.parent.name for path in (quick_run / "results").glob("*/summary.json")}
    metrics = read_metrics(quick_run / "results/metrics.parquet")
    assert set(metrics["study"]) == studies
    for study in studies:
        own = read_metrics(quick_run / f"results/{study}/metrics.parquet")
        assert len(metrics[metrics["study"] == study]) == len(own)
    summary = json.loads((quick_run / "summary.json").read_text())
    assert set(summary) == studies
    for study, entry in summary.items():
        assert entry["counts"]["n_metric_rows"] == int((metrics["study"] == study).sum())
        assert entry["headline"], f"{study}: no headline numbers"
    page = (quick_run / "results/report/index.html").read_text()
    for study in studies:
        assert f'<section class="page" id="{study}">' in page


def test_compare_target_is_planned(quick_run):
    result = run_snakemake(quick_run, "--dry-run", "results/compare/HEAD..workspace/index.html")
    assert "compare_versions" in planned_rules(result)


def test_report_of_one_study_plans_only_that_study(tmp_path):
    project = copy_project(tmp_path / "project")
    rules = planned_rules(run_snakemake(project, "--dry-run", "supercon", "report"))
    assert {"report_aggregate", "report_html", "supercon_fit"} <= rules
    assert not {rule for rule in rules if rule.startswith(("sparc", "chaos"))}, rules


def test_dvc_metrics_diff_reads_summary_json(synthetic_results, tmp_path):
    repo = tmp_path / "repo"
    (repo / "results").mkdir(parents=True)
    shutil.copy(REPO / "dvc.yaml", repo / "dvc.yaml")

    def commit(results: Path, message: str) -> None:
        aggregate_results({"supercon": results / "supercon/metrics.parquet"},
                          {"supercon": results / "supercon/summary.json"},
                          tmp_path / "metrics.parquet", repo / "summary.json")
        run_tool("git", "add", "dvc.yaml", "summary.json", cwd=repo)
        run_tool("git", "commit", "-q", "-m", message, cwd=repo)

    run_tool("git", "init", "-q", cwd=repo)
    run_tool(DVC, "init", "-q", cwd=repo)
    commit(synthetic_results, "v1")
    summary = json.loads((synthetic_results / "supercon/summary.json").read_text())
    (synthetic_results / "supercon/summary.json").write_text(json.dumps({**summary, "best_rmse_kelvin": 8.6}))
    commit(synthetic_results, "v2")
    diff = json.loads(run_tool(DVC, "metrics", "diff", "HEAD~1", "HEAD", "--json", cwd=repo))["summary.json"]
    assert diff == {"supercon.headline.best_rmse_kelvin": {"old": 9.1, "new": 8.6, "diff": pytest.approx(-0.5)}}
