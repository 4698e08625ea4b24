"""Helpers of the Snakemake workflow: configuration checks that a JSON schema cannot express (YAML
syntax with file and line, cross-references between keys), and copies of the workflow for tests and
benchmarks."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml


# What a run of the workflow needs from the repository: tracked files only, no results or caches.
WORKFLOW_PARTS = ("Snakefile", "config.yaml", "profiles", "workflow", "scripts", "data/snapshots", "tests/config")


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


def check_yaml_syntax(path: str | Path) -> None:
    """Raise :class:`ConfigError` naming the file, line and column of a YAML syntax error.

    Snakemake's own loader reports only that a config file "is not valid JSON or YAML".
    """
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
    """Raise :class:`ConfigError` for references to undeclared datasets, models, splits or featurisers."""
    datasets = config.get("datasets", {})
    for study, settings in config.get("studies", {}).items():
        dataset = settings.get("dataset")
        if dataset is not None and dataset not in datasets:
            raise ConfigError(
                f"config.yaml: studies.{study}.dataset is {dataset!r}, which is not declared under datasets "
                f"(declared: {sorted(datasets)})"
            )
    supercon = config.get("studies", {}).get("supercon")
    if supercon:
        _check_supercon(supercon)
    chaos = config.get("studies", {}).get("chaos")
    if chaos:
        _check_chaos(chaos)
    sparc = config.get("studies", {}).get("sparc")
    if sparc:
        _check_sparc(sparc)


def _check_supercon(settings: dict) -> None:
    models, splits, featurisers = settings["models"], settings["splits"], settings["featurisers"]
    for featuriser, schemes in settings["grid"].items():
        key = f"studies.supercon.grid.{featuriser}"
        if featuriser not in featurisers:
            raise ConfigError(f"config.yaml: {key}: featuriser {featuriser!r} is not in studies.supercon.featurisers {featurisers}")
        for scheme, names in schemes.items():
            if scheme not in splits:
                raise ConfigError(f"config.yaml: {key}.{scheme}: unknown split scheme; declared: {sorted(splits)}")
            unknown = [name for name in names if name not in models]
            if unknown:
                raise ConfigError(
                    f"config.yaml: {key}.{scheme}: unknown model name(s) {unknown}; declare them under "
                    f"studies.supercon.models (declared: {sorted(models)})"
                )
    for name, split in splits.items():
        needed = {"repeated_random": ("n_repeats", "test_fraction", "seed"), "kfold": ("n_splits", "seed"),
                  "group_kfold": ("n_splits", "seed"), "family": ()}[split["kind"]]
        missing = [k for k in needed if k not in split]
        if missing:
            raise ConfigError(f"config.yaml: studies.supercon.splits.{name} (kind {split['kind']}) needs {missing}")


def _check_chaos(settings: dict) -> None:
    key = "config.yaml: studies.chaos"
    if settings.get("source") == "json" and not settings.get("json_file"):
        raise ConfigError(f"{key}.source is 'json' but json_file is not set; point json_file at a dysts benchmark JSON file")
    forecasters = settings["forecasters"]
    report = settings.get("report", {})
    unknown = [m for m in report.get("panel_models", []) if m not in forecasters]
    if unknown:
        raise ConfigError(f"{key}.report.panel_models: unknown forecaster(s) {unknown}; declared: {sorted(forecasters)}")
    protocol = settings.get("protocol", {})
    windows = [f"smape_{p:g}period".replace(".", "p") for p in protocol.get("horizons_periods", [1, 2])] + ["smape_horizon"]
    if report.get("smape_metric", "smape_2period") not in windows:
        raise ConfigError(f"{key}.report.smape_metric is {report.get('smape_metric')!r}; choose one of {windows} "
                          f"(add the period count to protocol.horizons_periods for another window)")
    context = protocol.get("context_points", 200)
    for name, spec in forecasters.items():
        params = {**spec.get("params", {}), **{k: max(v) for k, v in spec.get("grid", {}).items()
                                               if k in ("taps", "lags", "spacing", "washout")}}
        taps = params.get("taps", params.get("lags"))
        needed = params.get("washout", 100) if spec["forecaster"] == "esn" else (
            (taps - 1) * params.get("spacing", 1) + 1 if taps else 1)
        if needed > context:
            raise ConfigError(f"{key}.forecasters.{name} reads {needed} past points but protocol.context_points is "
                              f"{context}; raise context_points or shorten the model's taps/spacing/washout")


def _check_sparc(settings: dict) -> None:
    from physbench.sparc.halos import HALO_MODELS

    for name, model in settings["models"].items():
        known = HALO_MODELS[model["halo"]].param_names
        unknown = [p for p in model.get("bounds", {}) if p not in known]
        if unknown:
            raise ConfigError(
                f"config.yaml: studies.sparc.models.{name}.bounds: unknown parameter(s) {unknown} of halo "
                f"{model['halo']!r}; its parameters are {list(known)}"
            )
        for parameter, (low, high) in model.get("bounds", {}).items():
            if not low < high:
                raise ConfigError(f"config.yaml: studies.sparc.models.{name}.bounds.{parameter}: need low < high, got {[low, high]}")
    templates = settings.get("templates", {})
    low, high, step = (templates.get(k, d) for k, d in (("phi0_min", 1.0), ("phi0_max", 8.0), ("phi0_step", 0.25)))
    if (high - low) / step < 3 - 1e-9:
        raise ConfigError(
            f"config.yaml: studies.sparc.templates: phi0_min {low}, phi0_max {high}, phi0_step {step} give fewer than "
            "4 phi0 values; the templates are splined in phi0 and need at least 4"
        )
    for name, model in settings["models"].items():
        phi0 = model.get("bounds", {}).get("phi0")
        if model["halo"] == "darkexp" and phi0 and (phi0[0] < low or phi0[1] > high):
            raise ConfigError(
                f"config.yaml: studies.sparc.models.{name}.bounds.phi0 {phi0} exceeds the template grid "
                f"[{low}, {high}]; widen studies.sparc.templates or narrow the bounds"
            )
    figure_setting = settings.get("figures", {}).get("setting")
    if figure_setting is not None and figure_setting not in settings["settings"]:
        raise ConfigError(
            f"config.yaml: studies.sparc.figures.setting {figure_setting!r} is not a declared setting "
            f"(studies.sparc.settings: {sorted(settings['settings'])})"
        )
