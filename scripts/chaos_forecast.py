"""Rule chaos_forecast: one forecaster in one observation setting over one chunk of the systems."""

from physbench import logs
from physbench.chaos.study import forecast_job

logs.setup(snakemake.log[0])  # noqa: F821 - injected by Snakemake
forecast_job(
    snakemake.input.trajectories,  # noqa: F821
    snakemake.input.systems,  # noqa: F821
    snakemake.params.spec,  # noqa: F821
    snakemake.params.settings,  # noqa: F821
    snakemake.wildcards.model,  # noqa: F821
    snakemake.wildcards.setting,  # noqa: F821
    snakemake.output.metrics,  # noqa: F821
    snakemake.output.panels,  # noqa: F821
    int(snakemake.wildcards.chunk),  # noqa: F821
    snakemake.params.n_chunks,  # noqa: F821
)
