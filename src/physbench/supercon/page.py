"""Report page of the SuperCon study (reads results/supercon/{summary.json,leaderboard.parquet,figures})."""

from physbench.report.page import StudyPage, TableSpec

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
    headline_keys=("best_model", "best_setting", "best_rmse_kelvin", "best_rmse_pooled_kelvin", "best_r2", "n_jobs",
                   "n_materials_scored"),
)
