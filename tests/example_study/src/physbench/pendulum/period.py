"""Period of a simple pendulum, theta'' = -(g/L) sin(theta), released from rest at theta0."""

from __future__ import annotations

import math

import numpy as np
from scipy.integrate import solve_ivp
from scipy.special import ellipk

from physbench.io import write_json
from physbench.metrics import metrics_frame, read_metrics, write_metrics
from physbench.provenance import Provenance

G_MS2 = 9.80665


def exact_period_s(amplitude_rad: float, length_m: float) -> float:
    """T = 4 K(m) sqrt(L/g) with m = sin^2(theta0/2)."""
    return 4.0 * ellipk(math.sin(amplitude_rad / 2.0) ** 2) * math.sqrt(length_m / G_MS2)


def integrated_period_s(amplitude_rad: float, length_m: float, method: str, rtol: float) -> float:
    """Twice the time from release to the first return of the angular velocity to zero."""
    def rhs(_, state):
        return [state[1], -G_MS2 / length_m * math.sin(state[0])]

    def turning_point(_, state):
        return state[1]

    turning_point.direction = 1.0  # angular velocity crossing zero upwards: the far turning point
    horizon = 2.0 * exact_period_s(amplitude_rad, length_m)
    solution = solve_ivp(rhs, (0.0, horizon), [amplitude_rad, 0.0], method=method, rtol=rtol, atol=rtol * 1e-3,
                         events=turning_point)
    return 2.0 * float(solution.t_events[0][0])


def period_job(integrator: str, params: dict, out) -> None:
    spec, length = params["integrator"], params["length_m"]
    rows = []
    for amplitude in params["amplitudes_deg"]:
        exact = exact_period_s(math.radians(amplitude), length)
        measured = integrated_period_s(math.radians(amplitude), length, spec["method"], spec["rtol"])
        base = {"study": "pendulum", "dataset": "analytic", "setting": "from_rest", "unit": f"{amplitude:g}deg",
                "model": integrator, "split": "none", "fold": 0}
        rows += [{**base, "metric": "period_s", "value": measured, "metric_unit": "s"},
                 {**base, "metric": "relative_error", "value": abs(measured - exact) / exact, "metric_unit": "1"}]
    write_metrics(metrics_frame(rows, Provenance.for_job(params, "analytic")), out)


def summary_job(metrics_path, out) -> None:
    metrics = read_metrics(metrics_path)
    errors = metrics[metrics["metric"] == "relative_error"].groupby("model")["value"].median()
    write_json(out, {"best_model": str(errors.idxmin()), "median_relative_error": float(np.min(errors))})
