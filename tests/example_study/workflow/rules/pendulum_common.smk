# Helpers of the pendulum rules (pendulum.smk): the final targets.

PENDULUM = config["studies"]["pendulum"]


def pendulum_targets():
    return [
        results_path("pendulum/metrics.parquet"),
        results_path("pendulum/summary.json"),
    ]


STUDY_TARGETS["pendulum"] = pendulum_targets
