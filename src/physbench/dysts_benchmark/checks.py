"""Checks of studies.dysts_benchmark that its schema cannot express: plug-in names, the baseline."""

from __future__ import annotations

from physbench.chaos.forecasters import REGISTRY
from physbench.workflow import check_registered


def check_config(settings: dict, config: dict) -> None:
    """Raise ConfigError for a forecaster entry that names no registered forecaster."""
    check_registered(REGISTRY, {name: spec["forecaster"] for name, spec in settings["forecasters"].items()},
                     "studies.dysts_benchmark.forecasters")
