# The report: every study's metrics in one table, headline numbers for `dvc metrics diff`, and the
# HTML report (one self-contained file: the overview, and one page per study at index.html#<study>).
# It covers the studies the command line asks for plus those already built (`snakemake supercon report`
# reports SuperCon only); `snakemake` covers all.
# `snakemake compare` compares the committed results (HEAD) with the working tree's.


include: "report_common.smk"


rule report:
    input:
        report_targets(),


rule report_aggregate:
    input:
        metrics=report_metric_files,
        summaries=report_summary_files,
    output:
        metrics=results_path("metrics.parquet"),
        summary=results_path("summary.json"),
    log:
        logs_path("report/aggregate.log"),
    benchmark:
        results_path("benchmarks/report/aggregate.tsv")
    conda:
        conda_env("report")
    params:
        metrics=report_metrics,
        summaries=report_summaries,
        code=script_code("report_aggregate"),
    script:
        "../../scripts/report_aggregate.py"


rule report_html:
    input:
        metrics=results_path("metrics.parquet"),
        summary=results_path("summary.json"),
        studies=report_study_targets,
        captions=report_captions,
    output:
        results_path("report/index.html"),
    log:
        logs_path("report/html.log"),
    benchmark:
        results_path("benchmarks/report/html.tsv")
    conda:
        conda_env("report")
    params:
        studies=report_studies,
        figures=report_figures,
        datasets=report_datasets,
        results_dir=lambda w, input: Path(input.metrics).parent,
        code=script_code("report_html"),
    script:
        "../../scripts/report_html.py"


if BASELINE_DIR:

    rule report_baseline:
        input:
            metrics=results_path("metrics.parquet"),
            summary=results_path("summary.json"),
        output:
            metrics=f"{BASELINE_DIR}/metrics.parquet",
            summary=f"{BASELINE_DIR}/summary.json",
        log:
            logs_path("report/baseline.log"),
        benchmark:
            results_path("benchmarks/report/baseline.tsv")
        conda:
            conda_env("report")
        params:
            code=script_code("report_baseline"),
        script:
            "../../scripts/report_baseline.py"


rule compare:
    input:
        results_path("compare/HEAD..workspace/index.html"),


rule compare_versions:
    input:
        compare_version_inputs,
    output:
        table=results_path("compare/{rev_a}..{rev_b}/comparison.parquet"),
        one_sided=results_path("compare/{rev_a}..{rev_b}/one_sided.parquet"),
        html=results_path("compare/{rev_a}..{rev_b}/index.html"),
    log:
        logs_path("report/compare_{rev_a}..{rev_b}.log"),
    benchmark:
        results_path("benchmarks/report/compare_{rev_a}..{rev_b}.tsv")
    wildcard_constraints:
        rev_a="[^/]+",
        rev_b="[^/]+",
    conda:
        conda_env("report")
    params:
        sides=compare_sides,
        commits=compare_revisions,
        code=script_code("report_compare"),
    script:
        "../../scripts/report_compare.py"
