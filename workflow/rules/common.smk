# Helpers shared by the rule files: config slices, code fingerprints, targets.
from pathlib import Path

from physbench.provenance import code_fingerprint, dataset_sha256
from physbench.workflow import check_config

check_config(config)

# Package code every job runs through (I/O, provenance, metrics schema).
CORE_CODE = ("io", "provenance", "metrics", "logs")


def code_version(*modules, script):
    """Fingerprint of the code a rule runs: scripts/<script>.py and the package modules behind it.

    In params, editing either reruns the rule. It hashes content, so a checkout that rewrites the
    scripts unchanged reruns nothing (the profiles leave out Snakemake's mtime-based `code` trigger).
    """
    return code_fingerprint(*CORE_CODE, *modules, files=(Path(workflow.basedir) / "scripts" / f"{script}.py",))


def dataset_files(name):
    return [f"data/raw/{name}/{file}" for file in sorted(config["datasets"][name]["files"])]


def dataset_checksum(name):
    return dataset_sha256(config["datasets"][name]["files"])


def enabled_studies():
    return list(config["studies"])


def study_targets():
    targets = []
    for study in enabled_studies():
        targets += STUDY_TARGETS[study]()
    return targets


# Each study's rule file registers a function returning its final targets.
STUDY_TARGETS = {}
