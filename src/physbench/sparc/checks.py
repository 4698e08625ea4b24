"""Checks of studies.sparc that its schema cannot express: plug-in names, bounds, template grid."""

from __future__ import annotations

from physbench.sparc.darkexp import TemplateSettings
from physbench.sparc.fitting import LCDM_PARAMETERS
from physbench.sparc.halos import HALO_MODELS
from physbench.workflow import ConfigError, check_registered

TEMPLATE_DEFAULTS = TemplateSettings()


def check_config(settings: dict, config: dict) -> None:
    """Raise ConfigError for settings of studies.sparc that the schema cannot express."""
    check_registered(HALO_MODELS, {name: model["halo"] for name, model in settings["models"].items()},
                     "studies.sparc.models")
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
                raise ConfigError(f"config.yaml: studies.sparc.models.{name}.bounds.{parameter}: "
                                  f"need low < high, got {[low, high]}")
    templates = settings.get("templates", {})
    low, high, step = (templates.get(k, getattr(TEMPLATE_DEFAULTS, k)) for k in ("phi0_min", "phi0_max", "phi0_step"))
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
    for name, setting in settings["settings"].items():
        listed = setting.get("models")
        unknown = [m for m in listed or [] if m not in settings["models"]]
        if unknown:
            raise ConfigError(f"config.yaml: studies.sparc.settings.{name}.models: unknown model(s) {unknown}; "
                              f"declared models: {sorted(settings['models'])}")
        if setting.get("halo_prior") == "lcdm":
            unfit = [m for m in listed or settings["models"]
                     if not set(LCDM_PARAMETERS) <= set(HALO_MODELS[settings["models"][m]["halo"]].param_names)]
            if unfit:
                raise ConfigError(
                    f"config.yaml: studies.sparc.settings.{name}: halo_prior lcdm needs halos parameterised by "
                    f"{list(LCDM_PARAMETERS)}; {unfit} are not: list the setting's models (models: [...])")
    figure_setting = settings.get("figures", {}).get("setting")
    if figure_setting is not None and figure_setting not in settings["settings"]:
        raise ConfigError(
            f"config.yaml: studies.sparc.figures.setting {figure_setting!r} is not a declared setting "
            f"(studies.sparc.settings: {sorted(settings['settings'])})"
        )
