# Helpers of the report rules (report.smk): which studies the report covers, and compare's sides.

from pathlib import Path

from physbench.report.selection import select_studies


def report_studies(wildcards=None):
    """Studies the report covers (physbench.report.selection.select_studies). It reads the command-line
    targets, which Snakemake knows only once the rules are parsed: use it in input and params functions.
    """
    studies = [study for study in config["studies"] if study in STUDY_TARGETS]
    settings = workflow.dag_settings
    targets = settings.targets if settings else ()
    remote_job = bool(settings.target_jobs) if settings else False
    built = [
        study
        for study in studies
        if Path(results_path(f"{study}/summary.json")).exists()
    ]
    return select_studies(studies, targets, built, remote_job=remote_job)


def report_study_files(name):
    return {study: results_path(f"{study}/{name}") for study in report_studies()}


def report_metrics(wildcards=None):
    """{study: its metrics.parquet} (params); report_metric_files lists them (input)."""
    return report_study_files("metrics.parquet")


def report_summaries(wildcards=None):
    return report_study_files("summary.json")


def report_metric_files(wildcards=None):
    return list(report_metrics().values())


def report_summary_files(wildcards=None):
    return list(report_summaries().values())


def report_study_targets(wildcards):
    return [path for study in report_studies() for path in STUDY_TARGETS[study]()]


def report_figures(wildcards):
    """Each study's PNG targets under results/<study>/figures/."""
    return {
        study: [
            p
            for p in STUDY_TARGETS[study]()
            if p.startswith(results_path(f"{study}/figures/")) and p.endswith(".png")
        ]
        for study in report_studies()
    }


def report_captions(wildcards):
    """The studies' caption files (workflow/report/<study>_*.rst), also used by snakemake --report."""
    return sorted(
        str(p)
        for study in report_studies()
        for p in Path("workflow/report").glob(f"{study}_*.rst")
    )


def report_datasets(wildcards):
    """The configuration of the datasets the reported studies read."""
    names = {config["studies"][study].get("dataset") for study in report_studies()} - {
        None
    }
    return {name: config["datasets"][name] for name in sorted(names)}


def report_targets():
    targets = [
        results_path(f)
        for f in ("metrics.parquet", "summary.json", "report/index.html")
    ]
    return targets + baseline_files()


def baseline_files():
    """The git-tracked copies of the aggregated metrics and headline (none when outputs.baseline_dir is null)."""
    return (
        [f"{BASELINE_DIR}/{f}" for f in ("metrics.parquet", "summary.json")]
        if BASELINE_DIR
        else []
    )


def compare_version_inputs(wildcards):
    """A side named `workspace` is this directory's results: the comparison waits for them."""
    if "workspace" in (wildcards.rev_a, wildcards.rev_b):
        return report_metric_files()
    return []


def compare_sides(wildcards):
    """What physbench compare reads for A and B: the results directory for `workspace`, else the revision."""
    return {
        side: RESULTS_DIR if rev == "workspace" else rev
        for side, rev in (("a", wildcards.rev_a), ("b", wildcards.rev_b))
    }


def compare_revisions(wildcards):
    """Commit ids of the compared revisions, so that the comparison reruns when a revision moves."""
    sides = (("a", wildcards.rev_a), ("b", wildcards.rev_b))
    return {side: git_commit(rev) for side, rev in sides if rev != "workspace"}


def git_commit(rev):
    import subprocess

    result = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
        capture_output=True,
        text=True,
    )
    return result.stdout.strip() or rev
