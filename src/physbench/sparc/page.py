"""Report page of the SPARC study (reads results/sparc/{summary.json,summary.parquet,figures})."""

from physbench.report.page import StudyPage, TableSpec

PAGE = StudyPage(
    title="SPARC: dark-matter halos of rotation curves",
    description=(
        "Fits of NFW, Burkert, pseudo-isothermal, Einasto, DARKexp and baryons-only mass models to the "
        "SPARC rotation curves (Lelli, McGaugh & Schombert 2016), one fit per galaxy, model and prior setting."
    ),
    tables=(
        TableSpec(
            "summary.parquet",
            "Fit quality per model",
            "Per sample, setting and model: galaxies fitted, failures, median reduced chi^2 and BIC wins.",
            units={"median_fit_seconds": "s", "total_fit_seconds": "s"},
            sort=("sample", "setting", "median_reduced_chi2"),
        ),
    ),
    figures=("rotation_curves", "reduced_chi2_cdf", "bic_preference", "phi0", "rotation_curves_all"),
    metric_filter={"metric": ["reduced_chi2", "chi2", "bic", "converged", "at_bound", "fit_seconds"]},
    headline_keys=("n_galaxies", "settings"),
    highlights=("n_galaxies", "settings.*.best_model", "settings.*.best_median_reduced_chi2",
                "settings.*.median_reduced_chi2.*"),
)
