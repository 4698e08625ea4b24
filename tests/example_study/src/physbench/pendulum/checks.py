"""Checks of studies.pendulum that its schema cannot express."""

from __future__ import annotations

from physbench.workflow import ConfigError

METHODS = ("RK45", "RK23", "DOP853", "Radau", "BDF", "LSODA")


def check_config(settings: dict, config: dict) -> None:
    for name, spec in settings["integrators"].items():
        if spec["method"] not in METHODS:
            raise ConfigError(f"config.yaml: studies.pendulum.integrators.{name}.method {spec['method']!r} is not "
                              f"a scipy integrator; choose one of {list(METHODS)}")
