# Study 4: the published dysts forecasting benchmark (Gilpin 2021), run by its own protocol: fit on
# the first 5/6 of each test series, forecast the rest, sMAPE over the points the reference scores;
# hyper-parameters chosen on the train file only. Our forecasters (the chaos study's plug-ins) are
# placed in the published darts leaderboard.


include: "dysts_benchmark_common.smk"


rule dysts_benchmark:
    input:
        dysts_targets(),


rule dysts_benchmark_forecast:
    input:
        train=DYSTS["train_file"],
        test=DYSTS["test_file"],
    output:
        rows=results_path("dysts_benchmark/rows/{model}/chunk{chunk}.parquet"),
        metrics=results_path("dysts_benchmark/metrics/{model}/chunk{chunk}.parquet"),
        forecasts=results_path("dysts_benchmark/forecasts/{model}/chunk{chunk}.parquet"),
    log:
        logs_path("dysts_benchmark/forecast_{model}_{chunk}.log"),
    benchmark:
        results_path("benchmarks/dysts_benchmark/forecast_{model}_{chunk}.tsv")
    wildcard_constraints:
        model="[A-Za-z0-9_]+",
        chunk="[0-9]+",
    priority: dysts_priority
    conda:
        conda_env("chaos")
    params:
        spec=config_lookup("studies/dysts_benchmark/forecasters/{model}"),
        settings=dysts_settings(),
        n_chunks=DYSTS["n_chunks"],
        code=script_code("dysts_benchmark_forecast"),
        model_code=dysts_forecaster_code,
    script:
        "../../scripts/dysts_benchmark_forecast.py"


rule dysts_benchmark_generate:
    input:
        systems_from=DYSTS["generate"]["systems_from"],
    output:
        train=f"{DYSTS_GENERATED}/train_univariate__pts_per_period_{{ppp}}__periods_{{periods}}.json.gz",
        test=f"{DYSTS_GENERATED}/test_univariate__pts_per_period_{{ppp}}__periods_{{periods}}.json.gz",
    log:
        logs_path("dysts_benchmark/generate_{ppp}_{periods}.log"),
    benchmark:
        results_path("benchmarks/dysts_benchmark/generate_{ppp}_{periods}.tsv")
    wildcard_constraints:
        ppp="[1-9][0-9]*",
        periods="[1-9][0-9]*",
    conda:
        conda_env("chaos")
    threads: 2
    params:
        systems=DYSTS["systems"],
        settings={k: v for k, v in DYSTS["generate"].items() if k != "systems_from"},
        code=script_code("dysts_benchmark_generate"),
    script:
        "../../scripts/dysts_benchmark_generate.py"


rule dysts_benchmark_aggregate:
    input:
        metrics=dysts_job_outputs("metrics"),
    output:
        metrics=results_path("dysts_benchmark/metrics.parquet"),
    log:
        logs_path("dysts_benchmark/aggregate.log"),
    benchmark:
        results_path("benchmarks/dysts_benchmark/aggregate.tsv")
    conda:
        conda_env("chaos")
    params:
        code=script_code("aggregate_study"),
    script:
        "../../scripts/aggregate_study.py"


rule dysts_benchmark_leaderboard:
    input:
        rows=dysts_job_outputs("rows"),
        forecasts=dysts_job_outputs("forecasts"),
        test=DYSTS["test_file"],
        reference=DYSTS["reference_file"] or [],
        metrics=results_path("dysts_benchmark/metrics.parquet"),
    output:
        per_system=results_path("dysts_benchmark/per_system.parquet"),
        by_system=results_path("dysts_benchmark/by_system.parquet"),
        gallery=directory(results_path(DYSTS_GALLERY)),
        gallery_manifest=results_path(DYSTS_GALLERY_MANIFEST),
        medians=results_path("dysts_benchmark/medians.parquet"),
        comparisons=results_path("dysts_benchmark/comparisons.parquet"),
        summary=results_path("dysts_benchmark/summary.json"),
        figure=report(
            results_path("dysts_benchmark/figures/leaderboard.png"),
            caption="../report/dysts_benchmark_leaderboard.rst",
            category="dysts benchmark",
        ),
    log:
        logs_path("dysts_benchmark/leaderboard.log"),
    benchmark:
        results_path("benchmarks/dysts_benchmark/leaderboard.tsv")
    conda:
        conda_env("chaos")
    params:
        settings={**DYSTS["leaderboard"], "systems": DYSTS["systems"]},
        code=script_code("dysts_benchmark_leaderboard"),
    script:
        "../../scripts/dysts_benchmark_leaderboard.py"
