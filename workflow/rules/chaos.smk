# Study 3: forecasters on the chaotic flows of dysts, scored in Lyapunov times and sMAPE.
# Integration runs once (trajectory cache); one forecast job per (setting, forecaster, chunk of the
# systems) loops over its systems.
# Forecasters are plug-ins (physbench.chaos.forecasters): threads, cost and code come from their class.


include: "chaos_common.smk"


rule chaos:
    input:
        chaos_targets(),


rule chaos_trajectories:
    input:
        chaos_trajectory_inputs,
    output:
        trajectories=results_path("chaos/trajectories.parquet"),
        systems=results_path("chaos/systems.parquet"),
    log:
        logs_path("chaos/trajectories.log"),
    benchmark:
        results_path("benchmarks/chaos/trajectories.tsv")
    priority: 1000  # opens the study: its 2 threads must not wait behind the fits of other studies
    conda:
        conda_env("chaos")
    threads: 2
    params:
        settings=chaos_config(
            "source", "json_file", "systems", "integration", "protocol"
        ),
        code=script_code("chaos_trajectories"),
    script:
        "../../scripts/chaos_trajectories.py"


rule chaos_forecast:
    input:
        trajectories=results_path("chaos/trajectories.parquet"),
        systems=results_path("chaos/systems.parquet"),
    output:
        metrics=results_path("chaos/metrics/{setting}/{model}/chunk{chunk}.parquet"),
        panels=results_path("chaos/forecasts/{setting}/{model}/chunk{chunk}.parquet"),
    log:
        logs_path("chaos/forecast_{setting}_{model}_{chunk}.log"),
    benchmark:
        results_path("benchmarks/chaos/forecast_{setting}_{model}_{chunk}.tsv")
    wildcard_constraints:
        setting="multivariate|univariate",
        model="[A-Za-z0-9_]+",
        chunk="[0-9]+",
    priority: chaos_forecast_priority
    conda:
        conda_env("chaos")
    threads: chaos_forecast_threads
    params:
        spec=config_lookup("studies/chaos/forecasters/{model}"),
        settings=chaos_config("source", "json_file", "protocol", "panel_systems"),
        n_chunks=CHAOS["n_chunks"],
        code=script_code("chaos_forecast"),
        model_code=chaos_forecaster_code,
    script:
        "../../scripts/chaos_forecast.py"


rule chaos_aggregate:
    input:
        metrics=chaos_job_outputs("metrics"),
    output:
        metrics=results_path("chaos/metrics.parquet"),
    log:
        logs_path("chaos/aggregate.log"),
    benchmark:
        results_path("benchmarks/chaos/aggregate.tsv")
    conda:
        conda_env("chaos")
    params:
        code=script_code("aggregate_study"),
    script:
        "../../scripts/aggregate_study.py"


rule chaos_report:
    input:
        metrics=results_path("chaos/metrics.parquet"),
        systems=results_path("chaos/systems.parquet"),
        panels=chaos_job_outputs("forecasts"),
    output:
        summary=results_path("chaos/summary.json"),
        per_system=results_path("chaos/per_system.parquet"),
        figures=[results_path(f"chaos/figures/{name}.png") for name in CHAOS_FIGURES],
        gallery=directory(results_path(CHAOS_GALLERY)),
        gallery_manifest=results_path(CHAOS_GALLERY_MANIFEST),
    log:
        logs_path("chaos/report.log"),
    benchmark:
        results_path("benchmarks/chaos/report.tsv")
    conda:
        conda_env("chaos")
    params:
        settings=chaos_config("report", "panel_systems", "protocol"),
        code=script_code("chaos_report"),
    script:
        "../../scripts/chaos_report.py"
