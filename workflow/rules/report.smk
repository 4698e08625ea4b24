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
        metrics="results/metrics.parquet",
        summary="summary.json",
    log:
        "logs/report/aggregate.log",
    benchmark:
        "results/benchmarks/report/aggregate.tsv"
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
        metrics="results/metrics.parquet",
        summary="summary.json",
        studies=report_study_targets,
        captions=report_captions,
    output:
        "results/report/index.html",
    log:
        "logs/report/html.log",
    benchmark:
        "results/benchmarks/report/html.tsv"
    conda:
        conda_env("report")
    params:
        studies=report_studies,
        figures=report_figures,
        datasets=report_datasets,
        code=script_code("report_html"),
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
    log:
        "logs/report/compare_{rev_a}..{rev_b}.log",
    benchmark:
        "results/benchmarks/report/compare_{rev_a}..{rev_b}.tsv"
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
