"""Rule pendulum_period: one integrator's periods at every amplitude, scored against the exact period."""

from physbench import logs
from physbench.pendulum.period import period_job

logs.setup(snakemake.log[0])
period_job(snakemake.wildcards.integrator, dict(snakemake.params.items()), snakemake.output.metrics)
