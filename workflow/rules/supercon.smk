# Study 1: superconducting Tc regression (Hamidieh 2018 / UCI SuperCon data).

SUPERCON = config["studies"]["supercon"]
SUPERCON_RAW = f"data/raw/{SUPERCON['dataset']}"
SUPERCON_PARALLEL = {"knn", "random_forest", "extra_trees", "xgboost", "hist_gradient_boosting"}
# Scheduling order: cheap estimators first, so their results (and any failure) come early.
SUPERCON_COST_RANK = ["mean", "linear_regression", "ridge", "knn", "extra_trees", "hist_gradient_boosting",
                      "random_forest", "xgboost"]


wildcard_constraints:
    featuriser="[A-Za-z0-9_]+",
    scheme="[A-Za-z0-9_]+",
    model="[A-Za-z0-9_]+",


def supercon_cells():
    """(featuriser, scheme, model) triples of the configured grid."""
    return [
        (featuriser, scheme, model)
        for featuriser, schemes in SUPERCON["grid"].items()
        for scheme, models in schemes.items()
        for model in models
    ]


def supercon_cell_outputs(kind):
    return [f"results/supercon/runs/{f}/{s}/{m}/{kind}.parquet" for f, s, m in supercon_cells()]


def supercon_materials_params():
    return {key: SUPERCON[key] for key in ("max_rows", "subsample_seed", "composition_decimals")}


def supercon_model_spec(wildcards):
    return SUPERCON["models"][wildcards.model]


def supercon_split_spec(wildcards):
    return SUPERCON["splits"][wildcards.scheme]


def supercon_fit_threads(wildcards):
    """Models that parallelise get two threads; the others one (Snakemake caps at --cores)."""
    return 2 if SUPERCON["models"][wildcards.model]["estimator"] in SUPERCON_PARALLEL else 1


def supercon_fit_priority(wildcards):
    estimator = SUPERCON["models"][wildcards.model]["estimator"]
    return len(SUPERCON_COST_RANK) - SUPERCON_COST_RANK.index(estimator)


def supercon_targets():
    return [
        "results/supercon/metrics.parquet",
        "results/supercon/summary.json",
        "results/supercon/leaderboard.parquet",
        "results/supercon/figures/parity.png",
        "results/supercon/figures/rmse_by_model.png",
        "results/supercon/figures/feature_importance.png",
    ]


STUDY_TARGETS["supercon"] = supercon_targets


rule supercon:
    input:
        supercon_targets(),


rule supercon_materials:
    input:
        compositions=f"{SUPERCON_RAW}/unique_m.csv",
    output:
        "results/supercon/materials.parquet",
    params:
        materials=supercon_materials_params(),
        code=code_version("supercon.steps", "supercon.data", script="supercon_materials"),
    log:
        "logs/supercon/materials.log",
    benchmark:
        "results/benchmarks/supercon/materials.tsv"
    script:
        "../../scripts/supercon_materials.py"


rule supercon_features:
    input:
        materials="results/supercon/materials.parquet",
        elements=f"{SUPERCON_RAW}/element_properties.csv",
    output:
        "results/supercon/features/{featuriser}.parquet",
    params:
        code=code_version("supercon.steps", "supercon.data", "supercon.features", script="supercon_features"),
    log:
        "logs/supercon/features_{featuriser}.log",
    benchmark:
        "results/benchmarks/supercon/features_{featuriser}.tsv"
    script:
        "../../scripts/supercon_features.py"


rule supercon_split:
    input:
        materials="results/supercon/materials.parquet",
    output:
        "results/supercon/splits/{scheme}.parquet",
    params:
        split=supercon_split_spec,
        code=code_version("supercon.steps", "supercon.splits", script="supercon_split"),
    log:
        "logs/supercon/split_{scheme}.log",
    benchmark:
        "results/benchmarks/supercon/split_{scheme}.tsv"
    script:
        "../../scripts/supercon_split.py"


rule supercon_fit:
    input:
        features="results/supercon/features/{featuriser}.parquet",
        materials="results/supercon/materials.parquet",
        split="results/supercon/splits/{scheme}.parquet",
    output:
        metrics="results/supercon/runs/{featuriser}/{scheme}/{model}/metrics.parquet",
        predictions="results/supercon/runs/{featuriser}/{scheme}/{model}/predictions.parquet",
        importances="results/supercon/runs/{featuriser}/{scheme}/{model}/importances.parquet",
    params:
        model=supercon_model_spec,
        split=supercon_split_spec,
        materials=supercon_materials_params(),
        seed=SUPERCON["seed"],
        dataset=SUPERCON["dataset"],
        data_sha256=dataset_checksum(SUPERCON["dataset"]),
        code=code_version(
            "supercon.steps", "supercon.data", "supercon.splits", "supercon.models", "supercon.evaluate",
            script="supercon_fit",
        ),
    threads: supercon_fit_threads
    priority: supercon_fit_priority
    log:
        "logs/supercon/fit/{featuriser}_{scheme}_{model}.log",
    benchmark:
        "results/benchmarks/supercon/fit/{featuriser}_{scheme}_{model}.tsv"
    script:
        "../../scripts/supercon_fit.py"


rule supercon_aggregate:
    input:
        metrics=supercon_cell_outputs("metrics"),
        predictions=supercon_cell_outputs("predictions"),
        importances=supercon_cell_outputs("importances"),
    output:
        metrics="results/supercon/metrics.parquet",
        predictions="results/supercon/predictions.parquet",
        importances="results/supercon/importances.parquet",
    params:
        code=code_version("supercon.steps", script="supercon_aggregate"),
    log:
        "logs/supercon/aggregate.log",
    benchmark:
        "results/benchmarks/supercon/aggregate.tsv"
    script:
        "../../scripts/supercon_aggregate.py"


rule supercon_summary:
    input:
        metrics="results/supercon/metrics.parquet",
        predictions="results/supercon/predictions.parquet",
        importances="results/supercon/importances.parquet",
    output:
        summary="results/supercon/summary.json",
        leaderboard="results/supercon/leaderboard.parquet",
        parity=report("results/supercon/figures/parity.png", caption="../report/supercon_parity.rst", category="SuperCon"),
        rmse=report("results/supercon/figures/rmse_by_model.png", caption="../report/supercon_rmse.rst", category="SuperCon"),
        importance=report(
            "results/supercon/figures/feature_importance.png",
            caption="../report/supercon_importance.rst",
            category="SuperCon",
        ),
    params:
        split_kinds={name: spec["kind"] for name, spec in SUPERCON["splits"].items()},
        code=code_version("supercon.report", "plotting", script="supercon_summary"),
    log:
        "logs/supercon/summary.log",
    benchmark:
        "results/benchmarks/supercon/summary.tsv"
    script:
        "../../scripts/supercon_summary.py"
