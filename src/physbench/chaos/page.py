"""Report page of the chaos study (reads results/chaos/{summary.json,per_system.parquet,figures})."""

from physbench.report.page import StudyPage, TableSpec

PAGE = StudyPage(
    title="Chaos: forecasting chaotic flows",
    description=(
        "Forecasters on the chaotic systems of dysts, scored by valid prediction time (in Lyapunov "
        "times) and sMAPE over test origins, per observation setting."
    ),
    tables=(
        TableSpec(
            "per_system.parquet",
            "Per system",
            "Median over test origins per (setting, model, system).",
            units={"vpt": "Lyapunov times", "vpt_smape30": "Lyapunov times", "forecast_seconds": "s",
                   "fit_seconds": "s"},
            sort=("setting", "system", "vpt"),
            ascending=(True, True, False),
        ),
    ),
    figures=("ranking", "vpt_vs_lyapunov", "forecast_panels"),
    captions={
        "ranking": "Median valid prediction time and sMAPE over systems per forecaster, with 95% bootstrap intervals.",
        "vpt_vs_lyapunov": "Valid prediction time of each forecaster against the system's largest Lyapunov exponent.",
        "forecast_panels": "Forecasts against the true trajectory on example systems.",
    },
    headline_keys=("n_systems", "n_failed_systems", "n_failed_fits", "best_model", "smape_metric"),
    highlights=("best_model.*.by_vpt", "best_model.*.median_vpt", "n_systems", "n_failed_systems", "n_failed_fits",
                "best_model.*", "smape_metric"),
)
