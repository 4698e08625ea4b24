# The report: every study's metrics in one table, headline numbers for `dvc metrics diff`, and the
# HTML report (one self-contained file: the overview, and one page per study at index.html#<study>).
# It covers the studies the command line asks for plus those already built (`snakemake supercon report`
# reports SuperCon only); `snakemake` covers all.
# `snakemake compare` compares the committed results (HEAD) with the working tree's.

from pathlib import Path

from physbench.report.selection import select_studies

REPORT_CODE = ("report",)


def report_studies(wildcards=None):
    """Studies the report covers (physbench.report.selection.select_studies). It reads the command-line
    targets, which Snakemake knows only once the rules are parsed: use it in input and params functions."""
    studies = [study for study in enabled_studies() if study in STUDY_TARGETS]
    settings = workflow.dag_settings
    targets = settings.targets if settings else ()
    remote_job = bool(settings.target_jobs) if settings else False
    built = [study for study in studies if Path(f"results/{study}/summary.json").exists()]
    return select_studies(studies, targets, built, remote_job=remote_job)


def report_study_files(name):
    return {study: f"results/{study}/{name}" for study in report_studies()}


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
        study: [p for p in STUDY_TARGETS[study]() if p.startswith(f"results/{study}/figures/") and p.endswith(".png")]
        for study in report_studies()
    }


def report_captions(wildcards):
    """The studies' caption files (workflow/report/<study>_*.rst), also used by snakemake --report."""
    return sorted(str(p) for study in report_studies() for p in Path("workflow/report").glob(f"{study}_*.rst"))


def report_datasets(wildcards):
    """The configuration of the datasets the reported studies read."""
    names = {config["studies"][study].get("dataset") for study in report_studies()} - {None}
    return {name: config["datasets"][name] for name in sorted(names)}


def report_targets():
    return ["results/metrics.parquet", "results/summary.json", "results/report/index.html"]


def compare_version_inputs(wildcards):
    """A side named `workspace` is this directory's results: the comparison waits for them."""
    if "workspace" in (wildcards.rev_a, wildcards.rev_b):
        return report_metric_files()
    return []


def compare_sides(wildcards):
    """What physbench compare reads for A and B: the results directory for `workspace`, else the revision."""
    return {side: "results" if rev == "workspace" else rev
            for side, rev in (("a", wildcards.rev_a), ("b", wildcards.rev_b))}


def compare_revisions(wildcards):
    """Commit ids of the compared revisions, so that the comparison reruns when a revision moves."""
    sides = (("a", wildcards.rev_a), ("b", wildcards.rev_b))
    return {side: git_commit(rev) for side, rev in sides if rev != "workspace"}


def git_commit(rev):
    import subprocess

    result = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], capture_output=True,
                            text=True)
    return result.stdout.strip() or rev


wildcard_constraints:
    rev_a="[^/]+",
    rev_b="[^/]+",


rule report:
    input:
        report_targets(),


rule report_aggregate:
    input:
        metrics=report_metric_files,
        summaries=report_summary_files,
    output:
        metrics="results/metrics.parquet",
        summary="results/summary.json",
    params:
        metrics=report_metrics,
        summaries=report_summaries,
        code=code_version(*REPORT_CODE, script="report_aggregate"),
    log:
        "logs/report/aggregate.log",
    benchmark:
        "results/benchmarks/report/aggregate.tsv"
    script:
        "../../scripts/report_aggregate.py"


rule report_html:
    input:
        metrics="results/metrics.parquet",
        summary="results/summary.json",
        studies=report_study_targets,
        captions=report_captions,
    output:
        "results/report/index.html",
    params:
        studies=report_studies,
        figures=report_figures,
        datasets=report_datasets,
        code=code_version(*REPORT_CODE, script="report_html"),
    log:
        "logs/report/html.log",
    benchmark:
        "results/benchmarks/report/html.tsv"
    script:
        "../../scripts/report_html.py"


rule compare:
    input:
        "results/compare/HEAD..workspace/index.html",


rule compare_versions:
    input:
        compare_version_inputs,
    output:
        table="results/compare/{rev_a}..{rev_b}/comparison.parquet",
        one_sided="results/compare/{rev_a}..{rev_b}/one_sided.parquet",
        html="results/compare/{rev_a}..{rev_b}/index.html",
    params:
        sides=compare_sides,
        commits=compare_revisions,
        code=code_version("compare", "report", script="report_compare"),
    log:
        "logs/report/compare_{rev_a}..{rev_b}.log",
    benchmark:
        "results/benchmarks/report/compare_{rev_a}..{rev_b}.tsv"
    script:
        "../../scripts/report_compare.py"
