# Study 2: dark-matter halo fits (NFW, Burkert, pseudo-isothermal, Einasto, DARKexp, baryons only)
# to the 175 SPARC rotation curves. DARKexp templates are computed once and read by the fits.

from physbench.sparc.halos import NEEDS_TEMPLATES

SPARC = config["studies"]["sparc"]
SPARC_RAW = f"data/raw/{SPARC['dataset']}"
SPARC_TABLE = f"{SPARC_RAW}/SPARC_Lelli2016c.mrt"
SPARC_TEMPLATES = "results/sparc/darkexp_templates.parquet"
SPARC_FIGURES = ("rotation_curves", "rotation_curves_all", "bic_preference", "reduced_chi2_cdf", "phi0")
# Package modules each step runs (editing the summary code does not refit every galaxy).
SPARC_FIT_CODE = ("sparc.steps", "sparc.data", "sparc.darkexp", "sparc.halos", "sparc.fitting")
SPARC_SUMMARY_CODE = ("sparc.steps", "sparc.data", "sparc.summary")


def sparc_cells():
    """(setting, model, chunk) triples: every model under every prior setting, in n_chunks galaxy chunks."""
    return [
        (setting, model, chunk)
        for setting in SPARC["settings"]
        for model in SPARC["models"]
        for chunk in range(SPARC["n_chunks"])
    ]


def sparc_cell_outputs(kind):
    return [f"results/sparc/fits/{s}/{m}/chunk{c}/{kind}.parquet" for s, m, c in sparc_cells()]


def sparc_fit_inputs(wildcards):
    """The SPARC files, plus the template table for models that need it (so NFW & co. do not wait)."""
    inputs = {"data": dataset_files(SPARC["dataset"]), "table": SPARC_TABLE}
    if SPARC["models"][wildcards.model]["halo"] in NEEDS_TEMPLATES:
        inputs["templates"] = SPARC_TEMPLATES
    return inputs


def sparc_model_spec(wildcards):
    return SPARC["models"][wildcards.model]


def sparc_setting_spec(wildcards):
    return SPARC["settings"][wildcards.setting]


def sparc_figure_params():
    keys = ("models", "settings", "figures", "hubble_kms_mpc")
    return {key: SPARC[key] for key in keys}


def sparc_figure(name, caption):
    return report(f"results/sparc/figures/{name}.png", caption=f"../report/sparc_{caption}.rst", category="SPARC")


def sparc_targets():
    return [
        "results/sparc/metrics.parquet",
        "results/sparc/parameters.parquet",
        "results/sparc/summary.json",
        "results/sparc/summary.parquet",
        "results/sparc/phi0.parquet",
        *[f"results/sparc/figures/{name}.png" for name in SPARC_FIGURES],
    ]


STUDY_TARGETS["sparc"] = sparc_targets


rule sparc:
    input:
        sparc_targets(),


rule sparc_templates:
    output:
        SPARC_TEMPLATES,
    params:
        templates=SPARC["templates"],
        code=code_version("sparc.darkexp", script="sparc_templates"),
    threads: 2
    log:
        "logs/sparc/templates.log",
    benchmark:
        "results/benchmarks/sparc/templates.tsv"
    script:
        "../../scripts/sparc_templates.py"


rule sparc_fit:
    input:
        unpack(sparc_fit_inputs),
    output:
        metrics="results/sparc/fits/{setting}/{model}/chunk{chunk}/metrics.parquet",
        parameters="results/sparc/fits/{setting}/{model}/chunk{chunk}/parameters.parquet",
    wildcard_constraints:
        setting="[A-Za-z0-9_]+",
        model="[A-Za-z0-9_]+",
        chunk="[0-9]+",
    params:
        model=sparc_model_spec,
        setting=sparc_setting_spec,
        optimiser=SPARC["optimiser"],
        sample=SPARC["sample"],
        n_chunks=SPARC["n_chunks"],
        hubble_kms_mpc=SPARC["hubble_kms_mpc"],
        data_sha256=dataset_checksum(SPARC["dataset"]),
        code=code_version(*SPARC_FIT_CODE, script="sparc_fit"),
    log:
        "logs/sparc/fit/{setting}_{model}_{chunk}.log",
    benchmark:
        "results/benchmarks/sparc/fit/{setting}_{model}_{chunk}.tsv"
    script:
        "../../scripts/sparc_fit.py"


rule sparc_aggregate:
    input:
        metrics=sparc_cell_outputs("metrics"),
        parameters=sparc_cell_outputs("parameters"),
    output:
        metrics="results/sparc/metrics.parquet",
        parameters="results/sparc/parameters.parquet",
    params:
        code=code_version("sparc.steps", script="sparc_aggregate"),
    log:
        "logs/sparc/aggregate.log",
    benchmark:
        "results/benchmarks/sparc/aggregate.tsv"
    script:
        "../../scripts/sparc_aggregate.py"


rule sparc_summary:
    input:
        metrics="results/sparc/metrics.parquet",
        parameters="results/sparc/parameters.parquet",
        table=SPARC_TABLE,
    output:
        summary="results/sparc/summary.json",
        table="results/sparc/summary.parquet",
        phi0="results/sparc/phi0.parquet",
    params:
        subsamples=SPARC["summary_samples"],
        code=code_version(*SPARC_SUMMARY_CODE, script="sparc_summary"),
    log:
        "logs/sparc/summary.log",
    benchmark:
        "results/benchmarks/sparc/summary.tsv"
    script:
        "../../scripts/sparc_summary.py"


rule sparc_figures:
    input:
        metrics="results/sparc/metrics.parquet",
        parameters="results/sparc/parameters.parquet",
        table_summary="results/sparc/summary.parquet",
        phi0="results/sparc/phi0.parquet",
        templates=SPARC_TEMPLATES,
        data=dataset_files(SPARC["dataset"]),
        table=SPARC_TABLE,
    output:
        named=sparc_figure("rotation_curves", "rotation_curves"),
        grid=sparc_figure("rotation_curves_all", "rotation_curves_all"),
        bic=sparc_figure("bic_preference", "bic_preference"),
        chi2=sparc_figure("reduced_chi2_cdf", "reduced_chi2_cdf"),
        phi0=sparc_figure("phi0", "phi0"),
    params:
        figures=sparc_figure_params(),
        code=code_version(*SPARC_FIT_CODE, *SPARC_SUMMARY_CODE, "sparc.figures", "plotting", script="sparc_figures"),
    log:
        "logs/sparc/figures.log",
    benchmark:
        "results/benchmarks/sparc/figures.tsv"
    script:
        "../../scripts/sparc_figures.py"
