"""Checks of studies.dysts_benchmark that its schema cannot express: plug-in names, the baseline."""

from __future__ import annotations

from physbench.chaos.forecasters import REGISTRY, lengths_in_points
from physbench.workflow import ConfigError, check_registered


def check_config(settings: dict, config: dict) -> None:
    """Raise ConfigError for a forecaster entry that names no registered forecaster, or that sets a
    parameter in periods that is not one of the forecaster's lengths."""
    key = "studies.dysts_benchmark.forecasters"
    check_registered(REGISTRY, {name: spec["forecaster"] for name, spec in settings["forecasters"].items()}, key)
    for name, spec in settings["forecasters"].items():
        try:
            lengths_in_points(spec["forecaster"], spec.get("periods") or {}, 1.0)
        except ValueError as err:
            raise ConfigError(f"{key}.{name}.periods: {err}") from None
