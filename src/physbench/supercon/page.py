"""Report page of the SuperCon study (reads results/supercon/{summary.json,leaderboard.parquet,figures})."""

from collections.abc import Mapping

from physbench.report.page import Reference, StudyPage, TableSpec, quantity, sentence, summary_value

MODEL_NAMES = {"mean": "training mean", "linear": "linear regression", "ridge": "ridge regression",
               "knn": "k nearest neighbours", "random_forest": "random forest", "extra_trees": "extra trees",
               "hist_gradient_boosting": "histogram gradient boosting", "xgboost": "XGBoost"}
FEATURISER_NAMES = {"hamidieh": "Hamidieh features", "fractions": "element fractions"}
# What one fold of each split scheme of config.yaml is, in the plural.
FOLD_NAMES = {"hamidieh25": "random 2/3-1/3 splits", "kfold5": "folds of shuffled k-fold",
              "group_kfold5": "folds grouped by composition", "leave_family_out": "families held out"}

# Hamidieh (2018) section 3.2.2: 25 random 2/3-1/3 splits, RMSE = sqrt(mean of the 25 test MSEs) and
# R² = mean squared Pearson correlation of predictions with observations.
HAMIDIEH_XGBOOST = Reference(
    label="Hamidieh 2018, XGBoost, Hamidieh features, 25 random 2/3-1/3 splits",
    value="RMSE 9.5 K (9.4 K in the caption of Fig. 9), R² 0.92 (squared Pearson r)",
    citation="K. Hamidieh, Comput. Mater. Sci. 154, 346-354 (2018), doi:10.1016/j.commatsci.2018.07.052",
)


def headline_sentence(summary: Mapping) -> str:
    """The best model and setting with its test RMSE (K) and R² over folds, e.g. "XGBoost, Hamidieh
    features, 25 random 2/3-1/3 splits: RMSE 9.40 K, R² 0.925 (squared Pearson r 0.926)". The RMSE is
    sqrt(mean of the fold MSEs), Hamidieh's aggregate (the mean of the fold RMSEs when it is missing)."""
    model = summary_value(summary, "best_model")
    featuriser, _, split = str(summary_value(summary, "best_setting") or "").partition("/")
    folds = summary_value(summary, "best_n_folds")
    split_words = FOLD_NAMES.get(split, f"{split} folds" if split else "")
    setting = sentence(MODEL_NAMES.get(str(model), str(model)) if model else "",
                       FEATURISER_NAMES.get(featuriser, featuriser),
                       f"{folds} {split_words}" if folds is not None and split_words else split_words)
    rmse = summary_value(summary, "best_rmse_pooled_kelvin")
    if rmse is None:
        rmse = summary_value(summary, "best_rmse_kelvin")
    pearson = quantity("squared Pearson r", summary_value(summary, "best_pearson_r2"))
    scores = sentence(quantity("RMSE", rmse, "K"), quantity("R²", summary_value(summary, "best_r2")))
    scores = sentence(scores, f"({pearson})" if pearson and scores else pearson, separator=" ")
    return sentence(setting, scores, separator=": ")


PAGE = StudyPage(
    title="SuperCon: critical temperature regression",
    description=(
        "Regression of the superconducting critical temperature T_c (K) from chemical composition "
        "(Hamidieh 2018 features or element fractions), scored on repeated random, k-fold, grouped "
        "and leave-family-out splits. Scores are over the whole test set of each fold."
    ),
    tables=(
        TableSpec(
            "leaderboard.parquet",
            "Leaderboard",
            "Mean ± sd over folds of each score on the test set; rmse_pooled is sqrt(mean of the fold MSEs).",
            units={"rmse": "K", "mae": "K", "max_error": "K", "rmse_pooled": "K", "fit_seconds": "s"},
            columns=("featuriser", "split", "model", "n_folds", "rmse", "rmse_pooled", "mae", "r2", "pearson_r2",
                     "max_error", "fit_seconds"),
            sort=("featuriser", "split", "rmse_mean"),
        ),
    ),
    figures=("parity", "rmse_by_model", "feature_importance"),
    caption_files={"rmse_by_model": "supercon_rmse", "feature_importance": "supercon_importance"},
    metric_filter={"unit": ["all"]},
    units_are_replicates=False,  # units: all materials and each family; the folds are the replicates
    headline_keys=("best_model", "best_setting", "best_rmse_kelvin", "best_rmse_pooled_kelvin", "best_r2",
                   "best_pearson_r2", "best_n_folds", "n_jobs", "n_materials_tested", "largest_test_fold"),
    headline_sentence=headline_sentence,
    references=(HAMIDIEH_XGBOOST,),
)
