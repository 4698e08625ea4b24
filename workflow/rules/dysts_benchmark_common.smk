# Helpers of the dysts benchmark rules (dysts_benchmark.smk): config slices, forecaster plug-ins, targets.

from physbench.chaos.forecasters import REGISTRY as DYSTS_FORECASTERS

DYSTS = config["studies"]["dysts_benchmark"]
# Train and test files integrated at other resolutions (rule dysts_benchmark_generate).
DYSTS_GENERATED = results_path("dysts_benchmark/generated")
# One forecast figure per system, shown as a gallery on the report's page, and their list with
# sha256s: the target (a file, checksummed) through which the report depends on them.
DYSTS_GALLERY = "dysts_benchmark/figures/systems"
DYSTS_GALLERY_MANIFEST = "dysts_benchmark/figures/systems.tsv"


def dysts_settings():
    """The run settings every forecaster job uses (the dataset label, clipping, stability, systems)."""
    keys = ("clip_sd", "free_run_factor", "origins", "systems", "points_per_period")
    return {
        "dataset": Path(DYSTS["test_file"]).name,
        **{key: DYSTS[key] for key in keys},
    }


def dysts_forecaster(wildcards):
    return DYSTS_FORECASTERS[
        config_entry(config, "studies/dysts_benchmark/forecasters/{model}", wildcards)[
            "forecaster"
        ]
    ]


def dysts_priority(wildcards):
    return cost_priority(dysts_forecaster(wildcards).cost)


def dysts_forecaster_code(wildcards):
    return DYSTS_FORECASTERS.code(
        config_entry(config, "studies/dysts_benchmark/forecasters/{model}", wildcards)[
            "forecaster"
        ]
    )


def dysts_job_outputs(kind):
    """Every forecaster's files of ``kind`` (rows, metrics, forecasts): one per chunk of the systems."""
    return [
        results_path(f"dysts_benchmark/{kind}/{model}/chunk{chunk}.parquet")
        for model in DYSTS["forecasters"]
        for chunk in range(DYSTS["n_chunks"])
    ]


def dysts_targets():
    return [
        results_path("dysts_benchmark/metrics.parquet"),
        results_path("dysts_benchmark/per_system.parquet"),
        results_path("dysts_benchmark/medians.parquet"),
        results_path("dysts_benchmark/comparisons.parquet"),
        results_path("dysts_benchmark/summary.json"),
        results_path("dysts_benchmark/figures/leaderboard.png"),
        results_path("dysts_benchmark/by_system.parquet"),
        results_path(DYSTS_GALLERY_MANIFEST),
    ]


STUDY_TARGETS["dysts_benchmark"] = dysts_targets
