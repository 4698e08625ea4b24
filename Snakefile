# physbench: one DAG for the benchmark studies. Science settings: config.yaml; runtime: workflow/profiles/.
# Studies are plug-ins: each section under `studies:` in config is a study with its package
# (src/physbench/<study>/), its rule file (workflow/rules/<study>.smk) and its schema fragment
# (workflow/rules/<study>.schema.yaml). Nothing here names a study.
import os

from snakemake.utils import min_version, validate

from physbench.workflow import check_config, check_yaml_syntax, study_schema_errors

min_version("9.0")

# Idle OpenMP threads sleep instead of spinning (jobs inherit this, on Slurm too): beside a busy
# process, spinning threads made two-thread boosting fits 3-4x and nearest neighbours 1.5x slower
# (benchmarks/contention.py).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

check_yaml_syntax("config.yaml")


configfile: "config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")
for study in config["studies"]:
    with study_schema_errors(study):
        validate(config["studies"][study], f"workflow/rules/{study}.schema.yaml")
check_config(config)


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"


for study in config["studies"]:

    include: f"workflow/rules/{study}.smk"


include: "workflow/rules/report.smk"


rule all:
    default_target: True
    input:
        study_targets(),
        report_targets(),
