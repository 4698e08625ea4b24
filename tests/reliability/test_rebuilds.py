"""Partial rebuilds: Snakemake reruns exactly the jobs an edit invalidates, and nothing after a checkout.

The plans are read from dry runs (what Snakemake would execute) of the finished quick run; the
quick run itself is never modified (edits go to extra config files, copies or PYTHONPATH).
"""

import os
import random
import shutil
from pathlib import Path

import pytest
import yaml

from physbench.provenance import PACKAGE_DIR, code_closure
from tests.conftest import DVC, QUICK_CONFIG, REPO, copy_project, run_tool, shadow_package
from tests.reliability.common import clone_run, planned_jobs

pytestmark = pytest.mark.workflow  # runs Snakemake, git or DVC: not in the fast tier

STUDY_RULES = {
    "supercon": {"supercon_materials", "supercon_features", "supercon_split", "supercon_fit", "supercon_aggregate",
                 "supercon_summary"},
    "chaos": {"chaos_trajectories", "chaos_forecast", "chaos_aggregate", "chaos_report"},
    "sparc": {"sparc_template_chunk", "sparc_templates", "sparc_fit", "sparc_aggregate", "sparc_summary",
              "sparc_figures"},
    "dysts_benchmark": {"dysts_benchmark_forecast", "dysts_benchmark_aggregate", "dysts_benchmark_leaderboard"},
}
TARGET_RULES = {"all", "supercon", "chaos", "sparc", "dysts_benchmark", "report", "compare"}
# Rules that read every study's results (the cross-study report): downstream of any study's change.
DOWNSTREAM = {"report_aggregate", "report_html", "compare_versions"}


def quick_grid():
    grid = yaml.safe_load((REPO / QUICK_CONFIG).read_text())["studies"]["supercon"]["grid"]
    return [(f, s, m) for f, schemes in grid.items() for s, models in schemes.items() for m in models]


def work_jobs(jobs):
    """Jobs that do work (target rules only collect inputs)."""
    return [(rule, wildcards) for rule, wildcards in jobs if rule not in TARGET_RULES]


def with_extra_config(tmp_path, settings) -> tuple[str, Path]:
    extra = tmp_path / "edit.yaml"
    extra.write_text(yaml.safe_dump(settings))
    return QUICK_CONFIG, extra


def test_one_target_runs_only_the_jobs_it_needs(tmp_path):
    project = copy_project(tmp_path / "fresh")
    cell = "results-quick/supercon/runs/hamidieh/kfold5/linear/chunk0/metrics.parquet"
    jobs = work_jobs(planned_jobs(project, cell))
    assert sorted(jobs, key=str) == sorted([
        ("pull_supercon", {}),
        ("supercon_materials", {}),
        ("supercon_features", {"featuriser": "hamidieh"}),
        ("supercon_split", {"scheme": "kfold5"}),
        ("supercon_fit", {"featuriser": "hamidieh", "scheme": "kfold5", "model": "linear", "chunk": "0"}),
    ], key=str)
    # One study's target builds that study only.
    study = work_jobs(planned_jobs(project, "supercon"))
    assert {rule for rule, _ in study} == STUDY_RULES["supercon"] | {"pull_supercon"}
    assert sum(rule == "supercon_fit" for rule, _ in study) == len(quick_grid())


def test_second_run_of_each_study_target_does_nothing(quick_run):
    for study in STUDY_RULES:
        assert planned_jobs(quick_run, study) == [], study


def test_one_hyperparameter_reruns_only_that_models_jobs_and_the_aggregation(quick_run, tmp_path):
    edit = {"studies": {"supercon": {"models": {"xgboost": {"params": {"max_depth": 4}}}}}}
    jobs = work_jobs(planned_jobs(quick_run, configfiles=with_extra_config(tmp_path, edit)))
    fits = sorted((w["featuriser"], w["scheme"], w["model"]) for rule, w in jobs if rule == "supercon_fit")
    assert fits == sorted(cell for cell in quick_grid() if cell[2] == "xgboost")
    others = sorted(rule for rule, _ in jobs if rule not in DOWNSTREAM | {"supercon_fit"})
    assert others == ["supercon_aggregate", "supercon_summary"]


def test_one_forecaster_hyperparameter_reruns_only_that_forecaster(quick_run, tmp_path):
    edit = {"studies": {"chaos": {"forecasters": {"linear_ar": {"params": {"alpha": 1.0e-3}}}}}}
    jobs = work_jobs(planned_jobs(quick_run, configfiles=with_extra_config(tmp_path, edit)))
    forecasts = {(w["setting"], w["model"]) for rule, w in jobs if rule == "chaos_forecast"}
    assert {model for _, model in forecasts} == {"linear_ar"} and len(forecasts) >= 1
    others = sorted(rule for rule, _ in jobs if rule not in DOWNSTREAM | {"chaos_forecast"})
    assert others == ["chaos_aggregate", "chaos_report"]


def test_editing_one_studys_code_reruns_only_that_study(quick_run, tmp_path):
    jobs = work_jobs(planned_jobs(quick_run, env=shadow_package(tmp_path, edit=("supercon/evaluate.py",))))
    rules = {rule for rule, _ in jobs} - DOWNSTREAM
    assert {"supercon_fit", "supercon_aggregate", "supercon_summary"} <= rules <= STUDY_RULES["supercon"]
    assert sum(rule == "supercon_fit" for rule, _ in jobs) == len(quick_grid())


def test_editing_a_module_reruns_exactly_the_rules_whose_scripts_reach_it(quick_run, tmp_path):
    jobs = work_jobs(planned_jobs(quick_run, env=shadow_package(tmp_path, edit=("supercon/splits.py",))))
    rules = {rule for rule, _ in jobs} - DOWNSTREAM
    # The split jobs run the edited code; the fits and what follows read their outputs. Materials and
    # features do not import the splits module, and no other study does.
    assert rules == {"supercon_split", "supercon_fit", "supercon_aggregate", "supercon_summary"}
    assert sum(rule == "supercon_split" for rule, _ in jobs) == len({s for _, s, _ in quick_grid()})


def test_editing_one_model_reruns_only_its_jobs(quick_run, tmp_path):
    jobs = work_jobs(planned_jobs(quick_run, env=shadow_package(tmp_path, edit=("chaos/forecasters/knn.py",))))
    # Both forecasting studies run the knn forecaster: its jobs in each, then their summaries.
    models = {(rule, w["model"]) for rule, w in jobs if "model" in w}
    assert models == {("chaos_forecast", "knn"), ("dysts_benchmark_forecast", "knn")}
    others = {rule for rule, w in jobs if "model" not in w} - DOWNSTREAM
    assert others == {"chaos_aggregate", "chaos_report", "dysts_benchmark_aggregate", "dysts_benchmark_leaderboard"}


def script_of(rule: str) -> Path:
    """The script a rule runs (the studies' aggregations share one, so do the pulls)."""
    if rule.startswith("pull_"):
        name = "pull_dataset"
    elif rule.endswith("_aggregate") and rule != "report_aggregate":
        name = "aggregate_study"
    else:
        name = {"compare_versions": "report_compare"}.get(rule, rule)
    return REPO / "scripts" / f"{name}.py"


def rerun_rules(run: Path, tmp_path: Path, module: str) -> set[str]:
    """The rules that would rerun after an edit of ``module`` (a path under physbench/)."""
    return {rule for rule, _ in work_jobs(planned_jobs(run, env=shadow_package(tmp_path, edit=(module,))))}


def test_editing_shared_code_reruns_exactly_the_rules_whose_scripts_reach_it(quick_run, tmp_path):
    pulls = {"pull_supercon", "pull_sparc", "pull_dysts_benchmark"}
    every_rule = set().union(*STUDY_RULES.values(), pulls, {"report_aggregate", "report_html"})
    # io.py (atomic writes) is run by every step: everything reruns.
    assert rerun_rules(quick_run, tmp_path / "io", "io.py") == every_rule
    # metrics.py (the metrics schema) is run by the steps that write or read metrics, not by the
    # pulls, the SuperCon materials, features and splits, the trajectories or the DARKexp templates.
    rules = rerun_rules(quick_run, tmp_path / "metrics", "metrics.py")
    reaching = {rule for rule in every_rule if PACKAGE_DIR / "metrics.py" in code_closure(script_of(rule))}
    # Plus the jobs downstream of them: the dysts leaderboard (which imports no metrics code) reads
    # the rows that the rerun forecasts write.
    assert rules == reaching | {"dysts_benchmark_leaderboard"}
    assert "dysts_benchmark_leaderboard" not in reaching
    assert {"supercon_fit", "chaos_forecast", "sparc_fit"} <= rules
    assert not rules & {"pull_supercon", "supercon_split", "chaos_trajectories", "sparc_template_chunk",
                         "sparc_templates"}


def touch_all(root: Path, when: float, shuffle: bool = False) -> int:
    """Give every file under ``root`` a new mtime from ``when`` on (in random order: checkouts do not sort)."""
    files = [p for p in root.rglob("*") if p.is_file() and ".snakemake" not in p.parts]
    if shuffle:
        random.Random(0).shuffle(files)
    for i, path in enumerate(files):
        os.utime(path, (when + i * 0.001, when + i * 0.001))
    return len(files)


def newest_mtime(run: Path) -> float:
    return max(p.stat().st_mtime for p in (run / "results-quick").rglob("*") if p.is_file())


def test_dvc_checkout_with_unchanged_data_reruns_nothing(quick_run, tmp_path):
    run = clone_run(quick_run, tmp_path / "run")
    # dvc checkout rewrites the tracked data and results with new mtimes, in no particular order;
    # Snakemake's recorded checksums (default profile) show that nothing changed.
    later = newest_mtime(run) + 3600
    assert touch_all(run / "results-quick", later, shuffle=True) + touch_all(run / "data/raw", later, shuffle=True) > 50
    assert planned_jobs(run) == []


def test_git_checkout_rewriting_scripts_reruns_nothing(quick_run, tmp_path):
    run = clone_run(quick_run, tmp_path / "run")
    touch_all(run / "scripts", newest_mtime(run) + 3600)
    touch_all(run / "workflow", newest_mtime(run) + 3600)
    assert planned_jobs(run) == []


def test_editing_one_script_reruns_only_its_rule(quick_run, tmp_path):
    run = clone_run(quick_run, tmp_path / "run")
    script = run / "scripts/supercon_summary.py"
    script.write_text(script.read_text() + "\n# edited by a test\n")
    jobs = work_jobs(planned_jobs(run))
    assert {rule for rule, _ in jobs} - DOWNSTREAM == {"supercon_summary"}


def test_fresh_clone_after_dvc_pull_reruns_nothing(quick_run, tmp_path):
    """The quick run published as the repository does (git + dvc push), then cloned and pulled:
    `dvc repro` (make run) and plain Snakemake both find nothing to do."""
    origin = clone_run(quick_run, tmp_path / "origin")
    shutil.copy2(REPO / ".gitignore", origin / ".gitignore")
    shutil.copytree(REPO / "src/physbench", origin / "src/physbench", ignore=shutil.ignore_patterns("__pycache__"))
    stage = (REPO / "dvc.yaml").read_text()
    assert "cmd: snakemake --cores all\n" in stage and "      - results:\n" in stage
    stage = stage.replace("cmd: snakemake --cores all\n", f"cmd: snakemake --cores all --configfile {QUICK_CONFIG}\n")
    (origin / "dvc.yaml").write_text(stage.replace("      - results:\n", "      - results-quick:\n"))
    run_tool("git", "init", "-q", "-b", "main", cwd=origin)
    run_tool(DVC, "init", "-q", cwd=origin)
    run_tool(DVC, "remote", "add", "-q", "-d", "storage", str(tmp_path / "remote"), cwd=origin)
    run_tool(DVC, "commit", "-q", "-f", cwd=origin)  # record the finished run as the stage's result
    run_tool(DVC, "push", "-q", cwd=origin)
    run_tool("git", "add", "-A", cwd=origin)
    run_tool("git", "commit", "-q", "-m", "quick run", cwd=origin)

    clone = tmp_path / "clone"
    run_tool("git", "clone", "-q", str(origin), str(clone), cwd=tmp_path)
    assert not (clone / "results-quick/supercon").exists() and not (clone / ".snakemake").exists()
    run_tool(DVC, "pull", "-q", cwd=clone)
    assert (clone / "results-quick/supercon/metrics.parquet").is_file() and (clone / ".snakemake/metadata").is_dir()
    assert "up to date" in run_tool(DVC, "status", cwd=clone)
    assert planned_jobs(clone) == []


def test_a_deleted_cell_output_is_rebuilt_by_its_job_alone(quick_run, tmp_path):
    """A missing intermediate file whose consumers are up to date is not rebuilt by the default target;
    asking for it reruns that one job (and nothing upstream)."""
    run = clone_run(quick_run, tmp_path / "run")
    cell = "results-quick/supercon/runs/hamidieh/kfold5/linear/chunk0/predictions.parquet"
    (run / cell).unlink()
    assert work_jobs(planned_jobs(run)) == []
    assert work_jobs(planned_jobs(run, cell)) == [
        ("supercon_fit", {"featuriser": "hamidieh", "scheme": "kfold5", "model": "linear", "chunk": "0"})]
