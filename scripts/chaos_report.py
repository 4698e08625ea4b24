"""Rule chaos_report: per-system table, ranking, summary.json and figures of the chaos study."""

from pathlib import Path

from physbench import logs
from physbench.chaos.summary import report_job

logs.setup(snakemake.log[0])  # noqa: F821 - injected by Snakemake
report_job(
    snakemake.input.metrics,  # noqa: F821
    snakemake.input.systems,  # noqa: F821
    list(snakemake.input.panels),  # noqa: F821
    snakemake.params.settings,  # noqa: F821
    snakemake.output.summary,  # noqa: F821
    snakemake.output.per_system,  # noqa: F821
    {Path(p).stem: p for p in snakemake.output.figures},  # noqa: F821
    snakemake.output.gallery,  # noqa: F821
    snakemake.output.gallery_manifest,  # noqa: F821
)
