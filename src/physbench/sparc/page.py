"""Report page of the SPARC study (reads results/sparc/{summary.json,summary.parquet,figures})."""

from collections.abc import Mapping

from physbench.report.page import Gallery, Reference, StudyPage, TableSpec, quantity, sentence, summary_value

SETTING_NAMES = {"li2020": "flat halo priors", "lcdm": "ΛCDM halo priors"}

# Li et al. (2020) abstract: the per-model median reduced chi^2 of the paper could not be retrieved.
LI_2020 = Reference(
    label="Li, Lelli, McGaugh & Schombert 2020, seven halo models fitted by MCMC to all 175 SPARC galaxies",
    value="cored halo models such as DC14 and Burkert generally fit the rotation curves better than the cuspy "
          "NFW profile (the paper's median reduced χ² per model could not be retrieved for comparison)",
    citation="P. Li et al., ApJS 247, 31 (2020), arXiv:2001.10538",
)


def headline_sentence(summary: Mapping) -> str:
    """Per prior setting, the halo with the lowest median reduced χ² next to NFW's, and the halo that
    the BIC prefers in most galaxies, e.g. "175 galaxies; flat halo priors (li2020): lowest median
    reduced χ² einasto 0.721 (NFW 1.58), most BIC wins burkert (64 galaxies)"."""
    galaxies = summary_value(summary, "n_galaxies")
    settings = summary_value(summary, "settings")
    parts = []
    for setting, entry in sorted(settings.items()) if isinstance(settings, Mapping) else ():
        best = summary_value(entry, "best_model")
        lowest = quantity(f"lowest median reduced χ² {best}" if best else "lowest median reduced χ²",
                          summary_value(entry, "best_median_reduced_chi2"))
        nfw = quantity("NFW", summary_value(entry, "median_reduced_chi2.nfw")) if best != "nfw" else ""
        wins = summary_value(entry, "bic_wins")
        most_wins = ""
        if isinstance(wins, Mapping) and wins:
            winner = max(wins, key=lambda model: wins[model] if isinstance(wins[model], int | float) else -1)
            most_wins = f"most BIC wins {winner} ({wins[winner]} galaxies)"
        scores = sentence(sentence(lowest, f"({nfw})" if nfw and lowest else nfw, separator=" "), most_wins)
        if scores:
            name = SETTING_NAMES.get(setting)
            parts.append(f"{f'{name} ({setting})' if name else setting}: {scores}")
    return sentence(f"{galaxies} galaxies" if galaxies is not None else "", *parts, separator="; ")


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
    figures=("rotation_curves", "reduced_chi2_cdf", "bic_preference", "phi0", "lcdm_planes"),
    gallery=Gallery("figures/galaxies", "Rotation curves of every galaxy", caption_file="sparc_galaxies",
                    item_column="galaxy"),
    metric_filter={"metric": ["reduced_chi2", "chi2", "bic", "converged", "at_bound", "fit_seconds",
                              "posterior_converged", "posterior_tau_max", "posterior_seconds"]},
    headline_keys=("n_galaxies", "settings"),
    highlights=("n_galaxies", "settings.*.best_model", "settings.*.best_median_reduced_chi2",
                "settings.*.median_reduced_chi2.*"),
    headline_sentence=headline_sentence,
    references=(LI_2020,),
)
