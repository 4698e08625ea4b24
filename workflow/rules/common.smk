# Helpers shared by every rule file (code fingerprints, scheduling, datasets, targets); no study is named here.
import functools
from pathlib import Path

from physbench.data import manifest as data_manifest
from physbench.provenance import code_fingerprint
from physbench.workflow import config_entry

RESULTS_DIR = config["outputs"]["results_dir"]
LOGS_DIR = config["outputs"]["logs_dir"]
BASELINE_DIR = config["outputs"]["baseline_dir"]


def results_path(path):
    """`path` under the configuration's results directory (outputs.results_dir)."""
    return f"{RESULTS_DIR}/{path}"


def logs_path(path):
    """`path` under the configuration's logs directory (outputs.logs_dir)."""
    return f"{LOGS_DIR}/{path}"


def config_lookup(dpath):
    """Input or params function: the config entry at `dpath` for the job's wildcards
    (physbench.workflow.config_entry; a typo in a target path names the nearest configured names).
    """
    return lambda wildcards: config_entry(config, dpath, wildcards)


def script_code(script):
    """Fingerprint of scripts/<script>.py and of every physbench module it imports, transitively
    (physbench.provenance.code_closure). In params, editing any of that code reruns the rule and
    nothing else does. It hashes content: a checkout that rewrites files unchanged reruns nothing
    (the profiles leave out Snakemake's mtime-based `code` trigger)."""
    return code_fingerprint(str(Path(workflow.basedir) / "scripts" / f"{script}.py"))


def cost_priority(cost):
    """Snakemake priority from a plug-in's relative cost: cheap jobs first, so that their results
    (and any failure) come early."""
    return int(1000 / (1 + cost))


def conda_env(family):
    """The pinned conda environment of a rule family (for `--sdm conda` on clusters)."""
    return f"../../envs/{family}.yaml"


@functools.cache
def dataset_manifest(name):
    """The manifest of dataset `name` (read and checked once per run of the workflow)."""
    return data_manifest.load_manifest(name, config["datasets"][name])


def dataset_files(name):
    """The files of dataset `name` under data/raw/<name>/ (from its manifest)."""
    return [f"data/raw/{name}/{file}" for file in dataset_manifest(name).files]


def dataset_checksum(name):
    """One sha256 for dataset `name`, recorded with every metrics row."""
    return dataset_manifest(name).checksum


def study_targets():
    return [target for study in config["studies"] for target in STUDY_TARGETS[study]()]


# Each study's rule file registers a function returning its final targets.
STUDY_TARGETS = {}


def snapshot_inputs(name):
    """The vendored copies the pull reads (none when downloading from upstream)."""
    if config["data"]["source"] != "snapshot":
        return []
    return [entry.snapshot for entry in dataset_manifest(name).entries.values()]
