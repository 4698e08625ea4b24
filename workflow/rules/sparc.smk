# Study 2: dark-matter halo fits (NFW, Burkert, pseudo-isothermal, Einasto, DC14, coreNFW, Lucky13, DARKexp, baryons only)
# to the 175 SPARC rotation curves. DARKexp templates are computed once and read by the fits.
# Halo models are plug-ins (physbench.sparc.halos): cost, template needs and code come from their class.


include: "sparc_common.smk"


rule sparc:
    input:
        sparc_targets(),


rule sparc_template_chunk:
    output:
        results_path("sparc/templates/chunk{chunk}.parquet"),
    log:
        logs_path("sparc/templates_{chunk}.log"),
    benchmark:
        results_path("benchmarks/sparc/templates_{chunk}.tsv")
    wildcard_constraints:
        chunk="[0-9]+",
    priority: 1000  # on the critical path: the DARKexp fits wait for the whole table
    conda:
        conda_env("sparc")
    params:
        templates=SPARC_TEMPLATE_SETTINGS,
        n_chunks=SPARC["templates"]["n_chunks"],
        code=script_code("sparc_template_chunk"),
    script:
        "../../scripts/sparc_template_chunk.py"


rule sparc_templates:
    input:
        expand(
            results_path("sparc/templates/chunk{chunk}.parquet"),
            chunk=range(SPARC["templates"]["n_chunks"]),
        ),
    output:
        SPARC_TEMPLATES,
    log:
        logs_path("sparc/templates.log"),
    benchmark:
        results_path("benchmarks/sparc/templates.tsv")
    priority: 1000
    conda:
        conda_env("sparc")
    params:
        templates=SPARC_TEMPLATE_SETTINGS,
        code=script_code("sparc_templates"),
    script:
        "../../scripts/sparc_templates.py"


rule sparc_fit:
    input:
        unpack(sparc_fit_inputs),
    output:
        metrics=results_path(
            "sparc/fits/{setting}/{model}/chunk{chunk}/metrics.parquet"
        ),
        parameters=results_path(
            "sparc/fits/{setting}/{model}/chunk{chunk}/parameters.parquet"
        ),
        samples=results_path(
            "sparc/fits/{setting}/{model}/chunk{chunk}/samples.parquet"
        ),
    log:
        logs_path("sparc/fit/{setting}_{model}_{chunk}.log"),
    benchmark:
        results_path("benchmarks/sparc/fit/{setting}_{model}_{chunk}.tsv")
    wildcard_constraints:
        setting="[A-Za-z0-9_]+",
        model="[A-Za-z0-9_]+",
        chunk="[0-9]+",
    priority: sparc_fit_priority
    conda:
        conda_env("sparc")
    params:
        model=config_lookup("studies/sparc/models/{model}"),
        setting=config_lookup("studies/sparc/settings/{setting}"),
        optimiser=SPARC["optimiser"],
        posterior=SPARC["posterior"],
        sample=SPARC["sample"],
        n_chunks=lambda wildcards: sparc_model_chunks(wildcards.model),
        hubble_kms_mpc=SPARC["hubble_kms_mpc"],
        data_sha256=dataset_checksum(SPARC["dataset"]),
        code=script_code("sparc_fit"),
        halo_code=sparc_halo_code,
    script:
        "../../scripts/sparc_fit.py"


rule sparc_aggregate:
    input:
        metrics=sparc_cell_outputs("metrics"),
        parameters=sparc_cell_outputs("parameters"),
        samples=sparc_cell_outputs("samples"),
    output:
        metrics=results_path("sparc/metrics.parquet"),
        parameters=results_path("sparc/parameters.parquet"),
        samples=results_path("sparc/posterior_samples.parquet"),
    log:
        logs_path("sparc/aggregate.log"),
    benchmark:
        results_path("benchmarks/sparc/aggregate.tsv")
    conda:
        conda_env("sparc")
    params:
        code=script_code("aggregate_study"),
    script:
        "../../scripts/aggregate_study.py"


rule sparc_summary:
    input:
        metrics=results_path("sparc/metrics.parquet"),
        parameters=results_path("sparc/parameters.parquet"),
        table=SPARC_TABLE,
    output:
        summary=results_path("sparc/summary.json"),
        table=results_path("sparc/summary.parquet"),
        phi0=results_path("sparc/phi0.parquet"),
        properties=results_path("sparc/fit_properties.parquet"),
    log:
        logs_path("sparc/summary.log"),
    benchmark:
        results_path("benchmarks/sparc/summary.tsv")
    conda:
        conda_env("sparc")
    params:
        subsamples=SPARC["summary_samples"],
        settings=SPARC["settings"],
        code=script_code("sparc_summary"),
    script:
        "../../scripts/sparc_summary.py"


rule sparc_figures:
    input:
        metrics=results_path("sparc/metrics.parquet"),
        parameters=results_path("sparc/parameters.parquet"),
        table_summary=results_path("sparc/summary.parquet"),
        phi0=results_path("sparc/phi0.parquet"),
        properties=results_path("sparc/fit_properties.parquet"),
        templates=SPARC_TEMPLATES,
        data=dataset_files(SPARC["dataset"]),
        table=SPARC_TABLE,
    output:
        named=sparc_figure("rotation_curves", "rotation_curves"),
        gallery=directory(results_path(SPARC_GALLERY)),
        gallery_manifest=results_path(SPARC_GALLERY_MANIFEST),
        bic=sparc_figure("bic_preference", "bic_preference"),
        chi2=sparc_figure("reduced_chi2_cdf", "reduced_chi2_cdf"),
        phi0=sparc_figure("phi0", "phi0"),
        lcdm=sparc_figure("lcdm_planes", "lcdm_planes"),
    log:
        logs_path("sparc/figures.log"),
    benchmark:
        results_path("benchmarks/sparc/figures.tsv")
    conda:
        conda_env("sparc")
    params:
        figures=sparc_figure_params(),
        code=script_code("sparc_figures"),
    script:
        "../../scripts/sparc_figures.py"
