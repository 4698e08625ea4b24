"""Checks of studies.supercon that its schema cannot express: cross-references and plug-in names."""

from __future__ import annotations

from physbench.supercon.data import FAMILIES
from physbench.supercon.estimators import REGISTRY
from physbench.workflow import ConfigError, check_registered


def check_config(settings: dict, config: dict) -> None:
    """Raise ConfigError for settings of studies.supercon that the schema cannot express."""
    models, splits, featurisers = settings["models"], settings["splits"], settings["featurisers"]
    check_registered(REGISTRY, {name: spec["estimator"] for name, spec in models.items()},
                     "studies.supercon.models")
    for featuriser, schemes in settings["grid"].items():
        key = f"studies.supercon.grid.{featuriser}"
        if featuriser not in featurisers:
            raise ConfigError(f"config.yaml: {key}: featuriser {featuriser!r} "
                              f"is not in studies.supercon.featurisers {featurisers}")
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
        folds = {"repeated_random": split.get("n_repeats"), "kfold": split.get("n_splits"),
                 "group_kfold": split.get("n_splits"), "family": len(FAMILIES)}[split["kind"]]
        if split.get("n_chunks", 1) > folds:
            raise ConfigError(f"config.yaml: studies.supercon.splits.{name}.n_chunks: {split['n_chunks']} chunks of "
                              f"at most {folds} folds would leave a fit job without a fold; set it to {folds} or less")
