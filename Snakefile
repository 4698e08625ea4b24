# physbench: one DAG for the benchmark studies. Science settings: config.yaml; runtime: workflow/profiles/.
from snakemake.utils import min_version, validate

from physbench.workflow import check_yaml_syntax

min_version("9.0")

check_yaml_syntax("config.yaml")


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
