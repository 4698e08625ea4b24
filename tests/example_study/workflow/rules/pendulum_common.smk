# Helpers of the pendulum rules (pendulum.smk): the final targets.

PENDULUM = config["studies"]["pendulum"]


def pendulum_targets():
    return ["results/pendulum/metrics.parquet", "results/pendulum/summary.json"]


STUDY_TARGETS["pendulum"] = pendulum_targets
