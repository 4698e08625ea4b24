"""What a configuration holds and what a finished run found, for the terminal (``physbench list``
and ``physbench show``)."""

from __future__ import annotations

import difflib
import json
import math
import os
from pathlib import Path

# Keys of a study's config section that name its models, and those that name its settings.
MODEL_KEYS = ("models", "forecasters")
SETTING_KEYS = ("settings", "splits", "featurisers")


def load_config(directory: str | os.PathLike = ".", configfiles: tuple[str, ...] = ()) -> dict:
    """config.yaml of ``directory`` with ``configfiles`` merged over it, by Snakemake's own merge."""
    import yaml
    from snakemake.utils import update_config

    config = yaml.safe_load((Path(directory) / "config.yaml").read_text())
    for file in configfiles:
        update_config(config, yaml.safe_load(Path(file).read_text()) or {})
    return config


def _names(value) -> list[str]:
    return list(value) if isinstance(value, (dict, list)) else []


def inventory(config: dict) -> str:
    """Studies with their models and settings, and the datasets, as indented lines."""
    lines = ["studies:"]
    for study, section in config.get("studies", {}).items():
        lines.append(f"  {study}")
        for key in (*MODEL_KEYS, *SETTING_KEYS):
            if _names(section.get(key)):
                lines.append(f"    {key}: {', '.join(map(str, _names(section[key])))}")
    lines.append("datasets:")
    for name, dataset in config.get("datasets", {}).items():
        description = " ".join(str(dataset.get("description", "")).split())
        lines.append(f"  {name}: {description[:110]}")
    return "\n".join(lines)


def _format(value) -> str:
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.4g}"
    if isinstance(value, list):
        return "[" + ", ".join(_format(v) for v in value) + "]"
    return str(value)


def _flatten(obj, prefix: str = "") -> list[tuple[str, object]]:
    if isinstance(obj, dict):
        return [item for key, value in obj.items() for item in _flatten(value, f"{prefix}{key}.")]
    return [(prefix.rstrip("."), obj)]


def headline(study: str, results: str | os.PathLike = "results") -> str:
    """A study's headline and counts from ``<results>/<study>/summary.json``, one line per number."""
    path = Path(results) / study / "summary.json"
    if not path.exists():
        known = sorted(p.parent.name for p in Path(results).glob("*/summary.json"))
        near = difflib.get_close_matches(study, known, n=1)
        hint = f"did you mean {near[0]!r}? " if near else f"run `snakemake {study}` first; "
        raise FileNotFoundError(f"{path}: no summary of study {study!r}; {hint}summaries here: "
                                f"{', '.join(known) or 'none'}")
    summary = json.loads(path.read_text())
    rows = _flatten(summary)
    width = max(len(key) for key, _ in rows)
    return "\n".join([f"{study} ({path})", *(f"  {key:<{width}}  {_format(value)}" for key, value in rows)])
