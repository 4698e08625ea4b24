# Helpers shared by the rule files: config slices, code fingerprints, targets.
from physbench.provenance import code_fingerprint, dataset_sha256
from physbench.workflow import check_config

check_config(config)

# Package code every job runs through (I/O, provenance, metrics schema).
CORE_CODE = ("io", "provenance", "metrics", "logs")


def code_version(*modules):
    """Fingerprint of the package code a rule runs; in params, editing that code reruns the rule."""
    return code_fingerprint(*CORE_CODE, *modules)


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
