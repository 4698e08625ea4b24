# physbench: one DAG for the benchmark studies. Science settings: config.yaml; runtime: workflow/profiles/.
from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/supercon.smk"
include: "workflow/rules/chaos.smk"
include: "workflow/rules/sparc.smk"
include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        study_targets(),
        report_targets(),
