"""Rule chaos_trajectories: integrate the selected dysts flows (or read the user file) into the cache."""

from physbench import logs
from physbench.chaos.trajectories import trajectories_job

logs.setup(snakemake.log[0])  # noqa: F821 - injected by Snakemake
trajectories_job(
    snakemake.params.settings,  # noqa: F821
    snakemake.output.trajectories,  # noqa: F821
    snakemake.output.systems,  # noqa: F821
    workers=snakemake.threads,  # noqa: F821
)
