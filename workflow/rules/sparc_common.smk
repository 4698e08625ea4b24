# Helpers of the SPARC rules (sparc.smk): the fit grid, the halo plug-ins, figures, the final targets.

from physbench.sparc.halos import HALO_MODELS

SPARC = config["studies"]["sparc"]
SPARC_RAW = f"data/raw/{SPARC['dataset']}"
SPARC_TABLE = f"{SPARC_RAW}/SPARC_Lelli2016c.mrt"
SPARC_TEMPLATES = results_path("sparc/darkexp_templates.parquet")
# The solver settings of the template table (its n_chunks only says how many jobs compute it).
SPARC_TEMPLATE_SETTINGS = {
    k: v for k, v in SPARC["templates"].items() if k != "n_chunks"
}
SPARC_GALLERY = "sparc/figures/galaxies"  # one PNG per galaxy, shown as a gallery on the report's page
# Their list with sha256s: the target (a file, checksummed) through which the report depends on them.
SPARC_GALLERY_MANIFEST = "sparc/figures/galaxies.tsv"
SPARC_FIGURES = (
    "rotation_curves",
    "bic_preference",
    "reduced_chi2_cdf",
    "phi0",
    "lcdm_planes",
)


def sparc_cells():
    """(setting, model, chunk) triples: the setting's models (all by default), each in its n_chunks
    galaxy chunks."""
    return [
        (name, model, chunk)
        for name, setting in SPARC["settings"].items()
        for model in setting.get("models") or SPARC["models"]
        for chunk in range(sparc_model_chunks(model))
    ]


def sparc_model_chunks(model):
    """Fit jobs per (setting, model): the model's own n_chunks (costly halos), else the study's."""
    return SPARC["models"][model].get("n_chunks", SPARC["n_chunks"])


def sparc_cell_outputs(kind):
    return [
        results_path(f"sparc/fits/{s}/{m}/chunk{c}/{kind}.parquet")
        for s, m, c in sparc_cells()
    ]


def sparc_fit_inputs(wildcards):
    """The SPARC galaxy table, plus the template table for models that need it (so NFW & co. do not
    wait). The rotation curves are not listed: the pull that writes the table writes them beside it
    (and the data checksum is a param), and 175 inputs per fit job made Snakemake's scheduler spend
    most of its time checking their sizes."""
    inputs = {"table": SPARC_TABLE}
    if sparc_halo(wildcards).needs_templates:
        inputs["templates"] = SPARC_TEMPLATES
    return inputs


def sparc_halo(wildcards):
    """The plug-in class of the job's halo model."""
    return HALO_MODELS[
        config_entry(config, "studies/sparc/models/{model}", wildcards)["halo"]
    ]


def sparc_fit_priority(wildcards):
    """The dearest fits first, unlike other studies' cheap-first order: SPARC runs a few long jobs (one
    per setting and model), and on few cores the study ends sooner when the longest start first.
    """
    return int(100 * sparc_halo(wildcards).cost)


def sparc_halo_code(wildcards):
    return HALO_MODELS.code(
        config_entry(config, "studies/sparc/models/{model}", wildcards)["halo"]
    )


def sparc_figure_params():
    keys = ("models", "settings", "figures", "hubble_kms_mpc")
    return {key: SPARC[key] for key in keys}


def sparc_figure(name, caption):
    return report(
        results_path(f"sparc/figures/{name}.png"),
        caption=f"../report/sparc_{caption}.rst",
        category="SPARC",
    )


def sparc_targets():
    return [
        results_path("sparc/metrics.parquet"),
        results_path("sparc/parameters.parquet"),
        results_path("sparc/posterior_samples.parquet"),
        results_path("sparc/summary.json"),
        results_path("sparc/summary.parquet"),
        results_path("sparc/phi0.parquet"),
        results_path("sparc/fit_properties.parquet"),
        *[results_path(f"sparc/figures/{name}.png") for name in SPARC_FIGURES],
        results_path(SPARC_GALLERY_MANIFEST),
    ]


STUDY_TARGETS["sparc"] = sparc_targets
