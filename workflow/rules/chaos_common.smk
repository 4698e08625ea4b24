# Helpers of the chaos rules (chaos.smk): config slices, the forecaster plug-ins, the final targets.

from physbench.chaos.forecasters import REGISTRY as CHAOS_FORECASTERS

CHAOS = config["studies"]["chaos"]
CHAOS_FIGURES = ("ranking", "vpt_vs_lyapunov", "forecast_panels")
CHAOS_GALLERY = "chaos/figures/systems"  # one PNG per system, shown as a gallery on the report's page
# Their list with sha256s: the target (a file, checksummed) through which the report depends on them.
CHAOS_GALLERY_MANIFEST = "chaos/figures/systems.tsv"


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
    """Every (setting, forecaster)'s files of ``kind`` (metrics, forecasts): one per chunk of the systems."""
    return expand(
        results_path(f"chaos/{kind}/{{setting}}/{{model}}/chunk{{chunk}}.parquet"),
        setting=CHAOS["settings"],
        model=list(CHAOS["forecasters"]),
        chunk=range(CHAOS["n_chunks"]),
    )


def chaos_targets():
    return [
        results_path("chaos/metrics.parquet"),
        results_path("chaos/summary.json"),
        results_path("chaos/per_system.parquet"),
        *[results_path(f"chaos/figures/{name}.png") for name in CHAOS_FIGURES],
        results_path(CHAOS_GALLERY_MANIFEST),
    ]


STUDY_TARGETS["chaos"] = chaos_targets
