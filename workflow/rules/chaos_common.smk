# Helpers of the chaos rules (chaos.smk): config slices, the forecaster plug-ins, the final targets.

from physbench.chaos.forecasters import REGISTRY as CHAOS_FORECASTERS

CHAOS = config["studies"]["chaos"]
CHAOS_FIGURES = ("ranking", "vpt_vs_lyapunov", "forecast_panels")


def chaos_config(*keys):
    """The slice of studies.chaos a rule uses."""
    return {key: CHAOS[key] for key in keys}


def chaos_trajectory_inputs(wildcards):
    return [CHAOS["json_file"]] if CHAOS["source"] == "json" else []


def chaos_forecaster(wildcards):
    """The plug-in class of the job's forecaster."""
    return CHAOS_FORECASTERS[
        config_entry(config, "studies/chaos/forecasters/{model}", wildcards)[
            "forecaster"
        ]
    ]


def chaos_forecast_threads(wildcards):
    return chaos_forecaster(wildcards).threads


def chaos_forecast_priority(wildcards):
    return cost_priority(chaos_forecaster(wildcards).cost)


def chaos_forecaster_code(wildcards):
    return CHAOS_FORECASTERS.code(
        config_entry(config, "studies/chaos/forecasters/{model}", wildcards)[
            "forecaster"
        ]
    )


def chaos_job_outputs(kind):
    return expand(
        results_path(f"chaos/{kind}/{{setting}}/{{model}}.parquet"),
        setting=CHAOS["settings"],
        model=list(CHAOS["forecasters"]),
    )


def chaos_targets():
    return [
        results_path("chaos/metrics.parquet"),
        results_path("chaos/summary.json"),
        results_path("chaos/per_system.parquet"),
        *[results_path(f"chaos/figures/{name}.png") for name in CHAOS_FIGURES],
    ]


STUDY_TARGETS["chaos"] = chaos_targets
