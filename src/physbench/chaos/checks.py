"""Checks of studies.chaos that its schema cannot express: cross-references, plug-in names, context length."""

from __future__ import annotations

from physbench.chaos.forecasters import REGISTRY, make_forecaster
from physbench.workflow import ConfigError, check_registered


def check_config(settings: dict, config: dict) -> None:
    """Raise ConfigError for settings of studies.chaos that the schema cannot express."""
    key = "config.yaml: studies.chaos"
    if settings.get("source") == "json" and not settings.get("json_file"):
        raise ConfigError(f"{key}.source is 'json' but json_file is not set; "
                          f"point json_file at a dysts benchmark JSON file")
    forecasters = settings["forecasters"]
    check_registered(REGISTRY, {name: spec["forecaster"] for name, spec in forecasters.items()},
                     "studies.chaos.forecasters")
    report = settings.get("report", {})
    unknown = [m for m in report.get("panel_models", []) if m not in forecasters]
    if unknown:
        raise ConfigError(f"{key}.report.panel_models: unknown forecaster(s) {unknown}; "
                          f"declared: {sorted(forecasters)}")
    protocol = settings.get("protocol", {})
    windows = [f"smape_{p:g}period".replace(".", "p")
               for p in protocol.get("horizons_periods", [1, 2])] + ["smape_horizon"]
    if report.get("smape_metric", "smape_2period") not in windows:
        raise ConfigError(f"{key}.report.smape_metric is {report.get('smape_metric')!r}; choose one of {windows} "
                          f"(add the period count to protocol.horizons_periods for another window)")
    context = protocol.get("context_points", 200)
    for name, spec in forecasters.items():
        # The longest history any grid candidate reads (taps, spacing, washout: the largest values).
        params = {**spec.get("params", {}), **{k: max(v) for k, v in spec.get("grid", {}).items()
                                               if all(isinstance(x, int | float) for x in v)}}
        needed = make_forecaster(spec["forecaster"], params).context_points
        if needed > context:
            raise ConfigError(f"{key}.forecasters.{name} reads {needed} past points but protocol.context_points is "
                              f"{context}; raise context_points or shorten the model's taps/spacing/washout")
