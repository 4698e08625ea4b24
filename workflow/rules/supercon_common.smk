# Helpers of the SuperCon rules (supercon.smk): the grid, the model plug-ins, the final targets.

from physbench.supercon.estimators import REGISTRY as SUPERCON_ESTIMATORS

SUPERCON = config["studies"]["supercon"]
SUPERCON_RAW = f"data/raw/{SUPERCON['dataset']}"
SUPERCON_NAME = "[A-Za-z0-9_]+"


def supercon_cells():
    """(featuriser, scheme, model) triples of the configured grid."""
    return [
        (featuriser, scheme, model)
        for featuriser, schemes in SUPERCON["grid"].items()
        for scheme, models in schemes.items()
        for model in models
    ]


def supercon_cell_outputs(kind):
    """Every cell's files of ``kind``: one per chunk of its scheme's folds."""
    return [
        results_path(f"supercon/runs/{f}/{s}/{m}/chunk{c}/{kind}.parquet")
        for f, s, m in supercon_cells()
        for c in range(SUPERCON["splits"][s].get("n_chunks", 1))
    ]


def supercon_materials_params():
    return {
        key: SUPERCON[key]
        for key in ("max_rows", "subsample_seed", "composition_decimals")
    }


def supercon_estimator(wildcards):
    """The plug-in class of the job's model."""
    return SUPERCON_ESTIMATORS[
        config_entry(config, "studies/supercon/models/{model}", wildcards)["estimator"]
    ]


def supercon_fit_threads(wildcards):
    return supercon_estimator(wildcards).threads


def supercon_fit_priority(wildcards):
    return cost_priority(supercon_estimator(wildcards).cost)


def supercon_model_code(wildcards):
    return SUPERCON_ESTIMATORS.code(
        config_entry(config, "studies/supercon/models/{model}", wildcards)["estimator"]
    )


def supercon_targets():
    return [
        results_path("supercon/metrics.parquet"),
        results_path("supercon/summary.json"),
        results_path("supercon/leaderboard.parquet"),
        results_path("supercon/figures/parity.png"),
        results_path("supercon/figures/rmse_by_model.png"),
        results_path("supercon/figures/feature_importance.png"),
    ]


STUDY_TARGETS["supercon"] = supercon_targets
