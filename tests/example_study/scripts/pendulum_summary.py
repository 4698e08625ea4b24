"""Rule pendulum_summary: the study's headline numbers."""

from physbench import logs
from physbench.pendulum.period import summary_job

logs.setup(snakemake.log[0])
summary_job(snakemake.input.metrics, snakemake.output.summary)
