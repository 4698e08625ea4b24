# Study 3: forecasters on the chaotic flows of dysts, scored in Lyapunov times and sMAPE.
# Integration runs once (trajectory cache); one forecast job per (setting, forecaster) loops over systems.

CHAOS_CODE = ("chaos.systems", "chaos.loader", "chaos.forecasters", "chaos.scores", "chaos.study")


def chaos_config(*keys):
    """The slice of studies.chaos a rule uses."""
    return {key: config["studies"]["chaos"][key] for key in keys}


def chaos_trajectory_inputs(wildcards):
    settings = config["studies"]["chaos"]
    return [settings["json_file"]] if settings["source"] == "json" else []


def chaos_forecaster_spec(wildcards):
    return config["studies"]["chaos"]["forecasters"][wildcards.model]


def chaos_metric_files(wildcards=None):
    settings = config["studies"]["chaos"]
    return expand(
        "results/chaos/metrics/{setting}/{model}.parquet",
        setting=settings["settings"],
        model=list(settings["forecasters"]),
    )


def chaos_panel_files(wildcards=None):
    settings = config["studies"]["chaos"]
    return expand(
        "results/chaos/forecasts/{setting}/{model}.parquet",
        setting=settings["settings"],
        model=list(settings["forecasters"]),
    )


CHAOS_FIGURES = ("ranking", "vpt_vs_lyapunov", "forecast_panels")


def chaos_targets():
    return [
        "results/chaos/metrics.parquet",
        "results/chaos/summary.json",
        "results/chaos/per_system.parquet",
        *[f"results/chaos/figures/{name}.png" for name in CHAOS_FIGURES],
    ]


STUDY_TARGETS["chaos"] = chaos_targets


wildcard_constraints:
    setting="multivariate|univariate",
    model="[A-Za-z0-9_]+",


rule chaos:
    input:
        chaos_targets(),


rule chaos_trajectories:
    input:
        chaos_trajectory_inputs,
    output:
        trajectories="results/chaos/trajectories.parquet",
        systems="results/chaos/systems.parquet",
    params:
        settings=chaos_config("source", "json_file", "systems", "integration", "protocol"),
        code=code_version(*CHAOS_CODE, script="chaos_trajectories"),
    threads: 2
    log:
        "logs/chaos/trajectories.log",
    benchmark:
        "results/benchmarks/chaos/trajectories.tsv"
    script:
        "../../scripts/chaos_trajectories.py"


rule chaos_forecast:
    input:
        trajectories="results/chaos/trajectories.parquet",
        systems="results/chaos/systems.parquet",
    output:
        metrics="results/chaos/metrics/{setting}/{model}.parquet",
        panels="results/chaos/forecasts/{setting}/{model}.parquet",
    params:
        spec=chaos_forecaster_spec,
        settings=chaos_config("source", "json_file", "protocol", "panel_systems"),
        code=code_version(*CHAOS_CODE, script="chaos_forecast"),
    threads: 1
    log:
        "logs/chaos/forecast_{setting}_{model}.log",
    benchmark:
        "results/benchmarks/chaos/forecast_{setting}_{model}.tsv"
    script:
        "../../scripts/chaos_forecast.py"


rule chaos_aggregate:
    input:
        chaos_metric_files,
    output:
        "results/chaos/metrics.parquet",
    params:
        code=code_version(script="chaos_aggregate"),
    log:
        "logs/chaos/aggregate.log",
    benchmark:
        "results/benchmarks/chaos/aggregate.tsv"
    script:
        "../../scripts/chaos_aggregate.py"


rule chaos_report:
    input:
        metrics="results/chaos/metrics.parquet",
        systems="results/chaos/systems.parquet",
        panels=chaos_panel_files,
    output:
        summary="results/chaos/summary.json",
        per_system="results/chaos/per_system.parquet",
        figures=[f"results/chaos/figures/{name}.png" for name in CHAOS_FIGURES],
    params:
        settings=chaos_config("report", "panel_systems", "protocol"),
        code=code_version(*CHAOS_CODE, "chaos.summary", "chaos.figures", script="chaos_report"),
    log:
        "logs/chaos/report.log",
    benchmark:
        "results/benchmarks/chaos/report.tsv"
    script:
        "../../scripts/chaos_report.py"
