# Study 1: superconducting Tc regression (Hamidieh 2018 / UCI SuperCon data).
# Models are plug-ins (physbench.supercon.estimators): threads, cost and code come from their class.


include: "supercon_common.smk"


rule supercon:
    input:
        supercon_targets(),


rule supercon_materials:
    input:
        compositions=f"{SUPERCON_RAW}/unique_m.csv",
    output:
        results_path("supercon/materials.parquet"),
    log:
        logs_path("supercon/materials.log"),
    benchmark:
        results_path("benchmarks/supercon/materials.tsv")
    conda:
        conda_env("supercon")
    params:
        materials=supercon_materials_params(),
        code=script_code("supercon_materials"),
    script:
        "../../scripts/supercon_materials.py"


rule supercon_features:
    input:
        materials=results_path("supercon/materials.parquet"),
        elements=f"{SUPERCON_RAW}/element_properties.csv",
    output:
        results_path("supercon/features/{featuriser}.parquet"),
    log:
        logs_path("supercon/features_{featuriser}.log"),
    benchmark:
        results_path("benchmarks/supercon/features_{featuriser}.tsv")
    wildcard_constraints:
        featuriser=SUPERCON_NAME,
    conda:
        conda_env("supercon")
    params:
        featuriser=config_lookup("studies/supercon/featurisers/{featuriser}"),
        code=script_code("supercon_features"),
    script:
        "../../scripts/supercon_features.py"


rule supercon_split:
    input:
        materials=results_path("supercon/materials.parquet"),
    output:
        results_path("supercon/splits/{scheme}.parquet"),
    log:
        logs_path("supercon/split_{scheme}.log"),
    benchmark:
        results_path("benchmarks/supercon/split_{scheme}.tsv")
    wildcard_constraints:
        scheme=SUPERCON_NAME,
    conda:
        conda_env("supercon")
    params:
        split=config_lookup("studies/supercon/splits/{scheme}"),
        code=script_code("supercon_split"),
    script:
        "../../scripts/supercon_split.py"


rule supercon_fit:
    input:
        features=results_path("supercon/features/{featuriser}.parquet"),
        materials=results_path("supercon/materials.parquet"),
        split=results_path("supercon/splits/{scheme}.parquet"),
    output:
        metrics=results_path(
            "supercon/runs/{featuriser}/{scheme}/{model}/chunk{chunk}/metrics.parquet"
        ),
        predictions=results_path(
            "supercon/runs/{featuriser}/{scheme}/{model}/chunk{chunk}/predictions.parquet"
        ),
        importances=results_path(
            "supercon/runs/{featuriser}/{scheme}/{model}/chunk{chunk}/importances.parquet"
        ),
    log:
        logs_path("supercon/fit/{featuriser}_{scheme}_{model}_{chunk}.log"),
    benchmark:
        results_path(
            "benchmarks/supercon/fit/{featuriser}_{scheme}_{model}_{chunk}.tsv"
        )
    wildcard_constraints:
        featuriser=SUPERCON_NAME,
        scheme=SUPERCON_NAME,
        model=SUPERCON_NAME,
        chunk="[0-9]+",
    priority: supercon_fit_priority
    conda:
        conda_env("supercon")
    threads: supercon_fit_threads
    params:
        model=config_lookup("studies/supercon/models/{model}"),
        split=config_lookup("studies/supercon/splits/{scheme}"),
        materials=supercon_materials_params(),
        seed=SUPERCON["seed"],
        dataset=SUPERCON["dataset"],
        data_sha256=dataset_checksum(SUPERCON["dataset"]),
        code=script_code("supercon_fit"),
        model_code=supercon_model_code,
    script:
        "../../scripts/supercon_fit.py"


rule supercon_aggregate:
    input:
        metrics=supercon_cell_outputs("metrics"),
        predictions=supercon_cell_outputs("predictions"),
        importances=supercon_cell_outputs("importances"),
    output:
        metrics=results_path("supercon/metrics.parquet"),
        predictions=results_path("supercon/predictions.parquet"),
        importances=results_path("supercon/importances.parquet"),
    log:
        logs_path("supercon/aggregate.log"),
    benchmark:
        results_path("benchmarks/supercon/aggregate.tsv")
    conda:
        conda_env("supercon")
    params:
        code=script_code("aggregate_study"),
    script:
        "../../scripts/aggregate_study.py"


rule supercon_summary:
    input:
        metrics=results_path("supercon/metrics.parquet"),
        predictions=results_path("supercon/predictions.parquet"),
        importances=results_path("supercon/importances.parquet"),
    output:
        summary=results_path("supercon/summary.json"),
        leaderboard=results_path("supercon/leaderboard.parquet"),
        parity=report(
            results_path("supercon/figures/parity.png"),
            caption="../report/supercon_parity.rst",
            category="SuperCon",
        ),
        rmse=report(
            results_path("supercon/figures/rmse_by_model.png"),
            caption="../report/supercon_rmse.rst",
            category="SuperCon",
        ),
        importance=report(
            results_path("supercon/figures/feature_importance.png"),
            caption="../report/supercon_importance.rst",
            category="SuperCon",
        ),
    log:
        logs_path("supercon/summary.log"),
    benchmark:
        results_path("benchmarks/supercon/summary.tsv")
    conda:
        conda_env("supercon")
    params:
        split_kinds={name: spec["kind"] for name, spec in SUPERCON["splits"].items()},
        code=script_code("supercon_summary"),
    script:
        "../../scripts/supercon_summary.py"
