"""Helpers of the Snakemake workflow: configuration checks that a JSON schema cannot express (YAML
syntax with file and line, cross-references between keys), and copies of the workflow for tests and
benchmarks."""

from __future__ import annotations

import contextlib
import difflib
import importlib
import importlib.util
import re
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

# What a run of the workflow needs from the repository: tracked files only, no results or caches.
WORKFLOW_PARTS = ("Snakefile", "config.yaml", "configs", "profiles", "workflow", "scripts", "envs",
                  "data/snapshots", "tests/config")


def copy_workflow(repository: Path, destination: Path) -> Path:
    """Copy the workflow and its vendored data from ``repository`` into ``destination``."""
    destination.mkdir(parents=True, exist_ok=True)
    for part in WORKFLOW_PARTS:
        source, target = repository / part, destination / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(source.readlink())
        elif source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    return destination


class ConfigError(ValueError):
    """config.yaml is inconsistent; the message names the key and how to fix it."""


class UnknownNameError(ConfigError):
    """A target path or wildcard names something the configuration does not have."""


def config_entry(config: Mapping, dpath: str, wildcards) -> object:
    """The entry of ``config`` at ``dpath`` (``studies/supercon/models/{model}``) with the job's wildcards
    filled in; in a list (``studies/supercon/featurisers/{featuriser}``), the name itself. A name the
    configuration lacks (a typo in a target path) raises :class:`UnknownNameError` naming the nearest
    configured names, not a bare KeyError."""
    node, walked = config, []
    path = dpath.format_map({name: getattr(wildcards, name) for name in re.findall(r"{(\w+)}", dpath)})
    for part in path.split("/"):
        names = [str(name) for name in node] if isinstance(node, Mapping | list) else []
        if part not in names:
            close = difflib.get_close_matches(part, names, n=3, cutoff=0.6)
            hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
            raise UnknownNameError(f"{'.'.join(walked)} has no {part!r}.{hint} Configured: "
                                   f"{', '.join(sorted(names))}. Check the name in the target path, or add the "
                                   "entry to the config.")
        walked.append(part)
        node = node[part] if isinstance(node, Mapping) else part
    return node


def check_yaml_syntax(path: str | Path) -> None:
    """Raise :class:`ConfigError` naming the file, line and column of a YAML syntax error.

    Snakemake's own loader reports only that a config file "is not valid JSON or YAML".
    """
    import yaml  # here, not at the top: the study checks import this module, and their jobs' environments lack PyYAML

    try:
        yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as err:
        mark, context = err.problem_mark or err.context_mark, err.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
        opened = f" ({err.context} opened at line {context.line + 1})" if context and context.line != mark.line else ""
        raise ConfigError(f"{path}: YAML syntax error at {where}: {err.problem or err.context}{opened}; "
                          "fix the YAML there (indentation, brackets, quotes)") from None
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: not valid YAML: {err}") from None


def check_config(config: dict) -> None:
    """Raise :class:`ConfigError` for references to undeclared datasets, then run each study's own
    checks (``physbench.<study>.checks.check_config(settings, config)``, where the study has them)."""
    datasets = config.get("datasets", {})
    for study, settings in config.get("studies", {}).items():
        dataset = settings.get("dataset")
        if dataset is not None and dataset not in datasets:
            raise ConfigError(
                f"config.yaml: studies.{study}.dataset is {dataset!r}, which is not declared under datasets "
                f"(declared: {sorted(datasets)})"
            )
        checks = study_module(study, "checks")
        if checks is not None:
            checks.check_config(settings, config)


def study_module(study: str, name: str):
    """The module ``physbench.<study>.<name>`` (a study's checks, report page, ...), or None if the
    study does not have one."""
    module = f"physbench.{study}.{name}"
    if importlib.util.find_spec(f"physbench.{study}") is None or importlib.util.find_spec(module) is None:
        return None
    return importlib.import_module(module)


def check_registered(registry, names: dict[str, str], key: str) -> None:
    """Raise :class:`ConfigError` when a config entry names a plug-in that ``registry`` lacks.

    ``names`` maps each config entry to the plug-in name it uses; ``key`` is the dotted config path
    of the entries (``studies.chaos.forecasters``) and ``registry`` a :class:`physbench.plugins.Registry`.
    """
    for entry, name in names.items():
        if name not in registry:
            raise ConfigError(f"config.yaml: {key}.{entry}: unknown {registry.kind} {name!r}; registered: "
                              f"{sorted(registry)}. A new one is a class with name = {name!r} in a module of "
                              f"{registry.package}")


@contextlib.contextmanager
def study_schema_errors(study: str) -> Iterator[None]:
    """Name the study's config section in a schema validation error of its fragment
    (``workflow/rules/<study>.schema.yaml``), which sees only ``studies.<study>``."""
    from snakemake.exceptions import WorkflowError  # here: the study checks import this module in jobs

    try:
        yield
    except WorkflowError as err:
        raise ConfigError(f"config.yaml: studies.{study} does not match workflow/rules/{study}.schema.yaml: "
                          f"{err}") from None
