"""Snakemake entry point: the HTML report (overview page and one page per study)."""

from physbench import logs
from physbench.report.build import build_report

logs.setup(snakemake.log[0])
build_report(
    snakemake.params.studies,
    snakemake.params.results_dir,
    snakemake.output[0],
    metrics_path=snakemake.input.metrics,
    summary_path=snakemake.input.summary,
    datasets=snakemake.params.datasets,
    captions=snakemake.input.captions,
    figures=snakemake.params.figures,
)
