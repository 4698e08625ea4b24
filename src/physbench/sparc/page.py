"""Report page of the SPARC study (reads results/sparc/{summary.json,summary.parquet,figures})."""

from physbench.report.page import StudyPage, TableSpec

PAGE = StudyPage(
    title="SPARC: dark-matter halos of rotation curves",
    description=(
        "Fits of NFW, Burkert, pseudo-isothermal, Einasto, DC14, coreNFW, Lucky13, DARKexp and baryons-only mass "
        "models to the SPARC rotation curves (Lelli, McGaugh & Schombert 2016), one fit per galaxy, model and prior "
        "setting: the maximum a posteriori, then the posterior sampled with emcee. Headline statistics use one "
        "common set of galaxies per setting (those with a degree of freedom under every model)."
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
    figures=("rotation_curves", "reduced_chi2_cdf", "bic_preference", "phi0", "lcdm_planes", "rotation_curves_all"),
    metric_filter={"metric": ["reduced_chi2", "chi2", "bic", "converged", "at_bound", "fit_seconds",
                              "posterior_converged", "posterior_tau_max", "posterior_seconds"]},
    headline_keys=("n_galaxies", "settings"),
    highlights=("n_galaxies", "settings.*.best_model", "settings.*.best_median_reduced_chi2",
                "settings.*.median_reduced_chi2.*"),
)
