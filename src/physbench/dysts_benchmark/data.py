"""Readers of the published dysts benchmark files (plain or gzipped JSON).

- Trajectory files (train and test): ``{system: {"dt", "time", "values"}}``, univariate, read by
  :func:`physbench.chaos.loader.read_benchmark_json` (one format reader for both chaos studies).
- Results files: ``{system: {"values": [...], model: {"prediction": [...], "smape", "mae", "mse",
  ...}}}``, darts' forecasts and scores of the test file's last sixth.
- Hyper-parameter files: ``{system: {model: {name: value}}}``, darts' choices on the train file.

Errors name the file, the system and the field.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field

import numpy as np

from physbench.chaos.loader import read_benchmark_json, read_systems_json

PUBLISHED_SCORES = ("smape", "mae", "mse")


class BenchmarkFileError(ValueError):
    """A file does not follow the published dysts benchmark format."""


def points_per_period(path: str | os.PathLike) -> int:
    """Points per dominant period of a file named in the published pattern (``..._pts_per_period_15__...``).

    Raises :class:`BenchmarkFileError` naming the file and the fix when the name does not say it.
    """
    match = re.search(r"pts_per_period_(\d+)", os.path.basename(path))
    if not match or int(match.group(1)) < 1:
        raise BenchmarkFileError(f"{path}: the file name does not give the points per period (the published "
                                 "pattern has 'pts_per_period_<n>'); set studies.dysts_benchmark.points_per_period")
    return int(match.group(1))


def read_series(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """System name -> univariate trajectory (n_points,) of a train or test file, in file order."""
    out = {}
    for name, entry in read_benchmark_json(path).items():
        values = entry["values"]
        if values.shape[1] != 1:
            raise BenchmarkFileError(f"{path}: system {name!r}: field 'values' has {values.shape[1]} channels; the "
                                     "benchmark's protocol is univariate (use the univariate files)")
        out[name] = values[:, 0]
    return out


@dataclass
class PublishedModel:
    """One darts model's forecast of one system and its stored scores."""

    prediction: np.ndarray
    scores: dict[str, float]


@dataclass
class PublishedSystem:
    """The scored truth of one system and every published model's forecast of it."""

    values: np.ndarray
    models: dict[str, PublishedModel] = field(default_factory=dict)


def _numbers(value, where: str) -> np.ndarray:
    """A flat list of numbers (null read as NaN) as a float array."""
    if isinstance(value, list):
        value = [math.nan if v is None else v for v in value]
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as err:
        raise BenchmarkFileError(f"{where} must be a list of numbers ({err})") from err
    if array.ndim != 1 or array.size == 0:
        raise BenchmarkFileError(f"{where} must be a non-empty flat list of numbers, got shape {array.shape}")
    return array


def read_reference(path: str | os.PathLike) -> dict[str, PublishedSystem]:
    """System -> :class:`PublishedSystem` from a published results file.

    A score or prediction point stored as null (darts failed) is read as NaN; a model without a
    prediction or a score field is an error.
    """
    out = {}
    for name, entry in read_systems_json(path, BenchmarkFileError).items():
        where = f"{path}: system {name!r}"
        if not isinstance(entry, dict) or "values" not in entry:
            raise BenchmarkFileError(f"{where}: entry needs the field 'values' (the scored truth) and one object "
                                     "per model")
        system = PublishedSystem(_numbers(entry["values"], f"{where}: field 'values'"))
        for model, result in entry.items():
            if model == "values":
                continue
            here = f"{where}: model {model!r}"
            if not isinstance(result, dict) or "prediction" not in result:
                raise BenchmarkFileError(f"{here}: needs the field 'prediction'")
            missing = [s for s in PUBLISHED_SCORES if s not in result]
            if missing:
                raise BenchmarkFileError(f"{here}: missing score field(s) {missing}")
            scores = {}
            for score in PUBLISHED_SCORES:
                value = result[score]
                if value is not None and not isinstance(value, (int, float)):
                    raise BenchmarkFileError(f"{here}: field {score!r} must be a number or null, got {value!r}")
                scores[score] = math.nan if value is None else float(value)
            prediction = _numbers(result["prediction"], f"{here}: field 'prediction'")
            if prediction.size < system.values.size:
                raise BenchmarkFileError(f"{here}: field 'prediction' has {prediction.size} points, fewer than the "
                                         f"{system.values.size} scored ones")
            system.models[model] = PublishedModel(prediction, scores)
        if not system.models:
            raise BenchmarkFileError(f"{where}: no model results")
        out[name] = system
    return out


def read_hyperparameters(path: str | os.PathLike) -> dict[str, dict[str, dict]]:
    """System -> model -> darts hyper-parameters chosen on the train file."""
    data = read_systems_json(path, BenchmarkFileError)
    for name, entry in data.items():
        if not isinstance(entry, dict) or not all(isinstance(v, dict) for v in entry.values()):
            raise BenchmarkFileError(f"{path}: system {name!r}: expected an object mapping model names to "
                                     "objects of hyper-parameters")
    return data
