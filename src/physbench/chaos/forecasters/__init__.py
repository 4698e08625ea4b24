"""Forecasters of chaotic trajectories: one interface, one class per module, discovered by name.

Every forecaster works on standardised arrays (training mean 0, std 1 per channel):
``fit(train)`` with ``train`` of shape (n_points, n_channels), then ``predict(context, horizon)``
with ``context`` of shape (n_windows, context_points, n_channels) (or one window, 2-D) returning
(n_windows, horizon, n_channels) (or 2-D). ``context_points`` says how much history a model reads;
it takes the last points of the context. Models that learn a map predict the one-step increment
x[t+1] - x[t] and are iterated; iterated states are clipped to +-``CLIP`` standardised units so a
diverging model gives large but finite errors.

A new forecaster is one module here holding a :class:`Forecaster` subclass with a ``name`` (its
config name), plus its entry under ``studies.chaos.forecasters`` in config.yaml. Constructor
arguments are its parameters (stored as attributes of the same name, as in scikit-learn, so that
``get_params`` lists them with their values; :class:`physbench.plugins.Parameters`).
"""

from __future__ import annotations

import itertools

import numpy as np

from physbench.plugins import Parameters, Registry

CLIP = 1.0e3


class Forecaster(Parameters):
    """Base class: subclasses set ``name``, implement ``fit`` and ``_predict``, and say how many
    past points they read (``context_points``), how many threads they use and their relative cost
    (a fit plus one forecast, persistence = 1), which orders the jobs. ``length_params`` maps the
    parameters that are lengths in points (washouts, tap spacings, time constants) to their type
    (``int`` lengths are rounded): a study can set them in dominant periods instead
    (:func:`lengths_in_points`)."""

    name: str
    threads: int = 1
    cost: float = 1.0
    length_params: dict[str, type] = {}

    @property
    def context_points(self) -> int:
        return 1

    def fit(self, train: np.ndarray) -> Forecaster:
        raise NotImplementedError

    def predict(self, context: np.ndarray, horizon: int) -> np.ndarray:
        context = np.asarray(context, dtype=float)
        single = context.ndim == 2
        batch = context[None] if single else context
        if batch.shape[1] < self.context_points:
            raise ValueError(f"{type(self).__name__} needs {self.context_points} context points, got {batch.shape[1]}")
        out = self._predict(batch, int(horizon))
        return out[0] if single else out

    def _predict(self, context: np.ndarray, horizon: int) -> np.ndarray:
        raise NotImplementedError


REGISTRY = Registry(__name__, Forecaster, "forecaster")


def make_forecaster(kind: str, params: dict | None = None) -> Forecaster:
    """Instantiate a registered forecaster by config name with its constructor parameters."""
    cls = REGISTRY[kind]
    try:
        return cls(**(params or {}))
    except TypeError as err:
        raise ValueError(f"forecaster {kind!r}: invalid params {params}: {err}; its parameters are "
                         f"{sorted(cls().get_params())}") from err


def lengths_in_points(kind: str, periods: dict, points_per_period: float) -> dict[str, int | float | list]:
    """Length parameters given in dominant periods -> points at a resolution (integer lengths rounded,
    at least 1); a list of values (a grid axis) is converted value by value.

    Raises ValueError naming the parameter when it is not one of the forecaster's ``length_params``.
    """
    allowed = REGISTRY[kind].length_params
    unknown = sorted(set(periods) - set(allowed))
    if unknown:
        raise ValueError(f"forecaster {kind!r}: {unknown} cannot be set in periods; its length parameters are "
                         f"{list(allowed)}")

    def points(name, value):
        value = float(value) * float(points_per_period)
        return max(1, round(value)) if allowed[name] is int else value

    return {name: [points(name, v) for v in value] if isinstance(value, list) else points(name, value)
            for name, value in periods.items()}


def grid_candidates(spec: dict, points_per_period: float | None = None) -> list[dict]:
    """Every parameter set of a forecaster spec: its ``params`` updated by each point of its ``grid``
    (keys in sorted order; no grid: the params alone).

    A spec's ``periods`` ({length parameter: dominant periods, or a list of them as a grid axis})
    are converted to points at ``points_per_period`` and override ``params`` and ``grid``.
    """
    params, grid = dict(spec.get("params") or {}), dict(spec.get("grid") or {})
    if spec.get("periods"):
        if points_per_period is None:
            raise ValueError(f"forecaster {spec['forecaster']!r} sets {sorted(spec['periods'])} in periods, but the "
                             "series' points per period are unknown")
        for name, value in lengths_in_points(spec["forecaster"], spec["periods"], points_per_period).items():
            (grid if isinstance(value, list) else params)[name] = value
    keys = sorted(grid)
    return [{**params, **dict(zip(keys, values))} for values in itertools.product(*(grid[k] for k in keys))]
