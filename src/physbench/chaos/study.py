"""The chaos study's forecast job: run one forecaster on every system of the trajectory cache.

Protocol per system (``studies.chaos.protocol``): standardise with the mean/std of the first
``train_points`` points; test origins at ``train_points + context_points + k * origin_spacing_points``
(k < ``n_origins``), each forecast over the system's horizon from the ``context_points`` before it.
The horizon is ``horizon_lyapunov_times`` Lyapunov times, at least the longest fixed scoring window,
capped at ``max_horizon_points``. Valid prediction times are in Lyapunov times (1/lambda_max) and are
censored at the horizon.
"""

from __future__ import annotations

import importlib.metadata
import logging
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd

from physbench.chaos import scores
from physbench.chaos.forecasters import CLIP, grid_candidates, make_forecaster
from physbench.chaos.systems import series
from physbench.chaos.trajectories import window_points
from physbench.chunks import chunk_of
from physbench.io import read_parquet, write_parquet
from physbench.metrics import metrics_frame, undefined_note, write_metrics
from physbench.provenance import Provenance, sha256_file

log = logging.getLogger(__name__)

STUDY = "chaos"
SETTINGS = ("multivariate", "univariate")


# --------------------------------------------------------------------------- fitting


def fit_with_selection(spec: dict, train: np.ndarray, protocol: dict):
    """Fit ``spec`` ({forecaster, params, grid}) on standardised ``train``; returns (model, params).

    With a non-empty ``grid`` every combination is fitted on the first part of the training window
    and scored by forecasts from ``validation.n_origins`` origins inside its last
    ``validation.fraction`` (mean valid steps, then mean NRMSE); the best is refitted on all of it.
    """
    params = dict(spec.get("params", {}))
    if spec.get("grid"):  # the first of equally good candidates wins
        params = max(grid_candidates(spec), key=lambda c: validation_score(spec["forecaster"], c, train, protocol))
    return make_forecaster(spec["forecaster"], params).fit(train), params


def validation_score(kind: str, params: dict, train: np.ndarray, protocol: dict) -> tuple[float, float]:
    """(mean valid steps, -mean NRMSE) of a candidate on the validation tail of the training window."""
    val = protocol["validation"]
    n = len(train)
    n_val = int(round(val["fraction"] * n))
    spacing = max(1, n_val // (2 * val["n_origins"]))
    origins = n - n_val + spacing * np.arange(val["n_origins"])
    horizon = n - origins[-1]
    try:
        model = make_forecaster(kind, params).fit(train[: n - n_val])
        if origins[0] < model.context_points:
            return (-math.inf, -math.inf)
        context = np.stack([train[o - model.context_points: o] for o in origins])
        truth = np.stack([train[o: o + horizon] for o in origins])
        pred = model.predict(context, horizon)
    except (np.linalg.LinAlgError, ValueError, FloatingPointError) as err:
        log.debug("candidate %s %s failed: %s", kind, params, err)
        return (-math.inf, -math.inf)
    steps = [scores.valid_steps(t, p, protocol["vpt_threshold"]) for t, p in zip(truth, pred)]
    err = np.mean([np.mean(scores.nrmse_curve(t, p)) for t, p in zip(truth, pred)])
    return (float(np.mean(steps)), -float(err) if np.isfinite(err) else -math.inf)


# --------------------------------------------------------------------------- one forecast job

METRIC_UNITS = {"vpt": "lyapunov_times", "vpt_smape30": "lyapunov_times", "vpt_steps": "steps",
                "smape": "percent_0_200", "mae": "system_units", "rmse": "system_units", "nrmse": "1",
                "wasserstein1": "standardised_units", "spectral_hellinger": "1",
                "forecast_seconds": "s", "fit_seconds": "s"}


ERRORS = ("smape", "mae", "rmse", "nrmse")


def metric_names(protocol: dict) -> list[str]:
    """Per-origin test metric names of the study (windows named e.g. smape_1period, smape_horizon)."""
    names = ["vpt", "vpt_smape30", "vpt_steps"]
    for window in [_window_label(p) for p in protocol["horizons_periods"]] + ["horizon"]:
        names += [f"{m}_{window}" for m in ERRORS]
    return names + ["wasserstein1", "spectral_hellinger", "forecast_seconds"]


def _window_label(periods: float) -> str:
    return f"{periods:g}period".replace(".", "p")


def _unit_of(metric: str) -> str:
    return METRIC_UNITS.get(metric, METRIC_UNITS.get(metric.split("_")[0], "1"))


def run_forecaster(trajectories: pd.DataFrame, systems: pd.DataFrame, spec: dict, settings: dict, model: str,
                   setting: str):
    """Fit forecaster ``model`` (``spec``) per system in observation ``setting``; return (rows, the forecasts
    from the first origin of every system (:func:`score_system`)).

    Failed systems and failed fits become rows with NaN values and the reason in ``note``.
    """
    protocol = settings["protocol"]
    names = metric_names(protocol)
    rows, panels = [], []
    grouped = dict(tuple(trajectories.groupby("system", sort=False)))
    ok_systems = systems[systems["status"] == "ok"]
    total = len(systems)
    for i, row in enumerate(systems.itertuples(), 1):
        base = {"setting": setting, "unit": row.system, "model": model}
        if row.status != "ok":
            rows += _failed_rows(base, names, protocol["n_origins"], f"integration failed: {row.reason}")
            continue
        values = series(grouped[row.system], ok_systems, row.system)
        if setting == "univariate":
            values = values[:, :1]
        start = time.perf_counter()
        try:
            system_rows, panel = score_system(values, row, spec, protocol, settings, base)
        except Exception as err:  # noqa: BLE001 - a failing fit is data, recorded with its reason
            log.warning("%s/%s on %s failed: %r", setting, model, row.system, err)
            system_rows, panel = _failed_rows(base, names, protocol["n_origins"], f"forecaster failed: {err!r}"), None
        rows += system_rows
        if panel is not None:
            panels.append(panel)
        vpt = [r["value"] for r in system_rows if r["metric"] == "vpt"]
        log.info("[%d/%d] %s %s %s: median VPT %.2f LT (%.2f s)", i, total, setting, model, row.system,
                 np.nanmedian(vpt) if np.isfinite(vpt).any() else math.nan, time.perf_counter() - start)
    panel_frame = pd.concat(panels, ignore_index=True) if panels else pd.DataFrame(
        columns=["system", "setting", "model", "fold", "step", "channel", "truth", "forecast", "lyapunov_time"])
    return rows, panel_frame


def _failed_rows(base: dict, names: list[str], n_origins: int, note: str) -> list[dict]:
    rows = [{**base, "split": "train", "fold": 0, "metric": "fit_seconds", "value": math.nan,
             "metric_unit": "s", "note": note}]
    for fold in range(n_origins):
        rows += [{**base, "split": "test", "fold": fold, "metric": m, "value": math.nan,
                  "metric_unit": _unit_of(m), "note": note} for m in names]
    return rows


def score_system(values: np.ndarray, row, spec: dict, protocol: dict, settings: dict, base: dict):
    """Standardise, fit (with selection), forecast every origin and score; returns (rows, panel frame)."""
    n_train, n_context = protocol["train_points"], protocol["context_points"]
    mean = values[:n_train].mean(axis=0)
    std = values[:n_train].std(axis=0)
    std = np.where(std > 0, std, 1.0)
    z = (values - mean) / std
    horizon = int(row.horizon_points)
    origins = n_train + n_context + protocol["origin_spacing_points"] * np.arange(protocol["n_origins"])

    start = time.perf_counter()
    model, params = fit_with_selection(spec, z[:n_train], protocol)
    fit_seconds = time.perf_counter() - start
    rows = [{**base, "split": "train", "fold": 0, "metric": "fit_seconds", "value": fit_seconds,
             "metric_unit": "s", "note": f"params {params}"}]
    contexts = np.stack([z[o - n_context: o] for o in origins])
    start = time.perf_counter()
    pred = model.predict(contexts, horizon)
    forecast_seconds = (time.perf_counter() - start) / len(origins)
    truth = np.stack([z[o: o + horizon] for o in origins])
    per_lt = row.samples_per_lyapunov_time
    windows = {_window_label(p): min(window_points(row, p), horizon) for p in protocol["horizons_periods"]}
    windows["horizon"] = horizon
    # A window of a system without a dominant period holds no point: its scores are undefined.
    undefined = {f"{name}_{label}": undefined_note(f"{name} over an empty {label} window (no dominant period)")
                 for label, n in windows.items() if n == 0 for name in ERRORS}
    for fold, (t, p) in enumerate(zip(truth, pred)):
        t_raw, p_raw = t * std + mean, p * std + mean
        note = f"diverged (clipped at +-{CLIP:g} std)" if np.any(np.abs(p) >= CLIP) else None
        steps = scores.valid_steps(t, p, protocol["vpt_threshold"])
        steps_smape = scores.valid_steps_smape(t_raw, p_raw, protocol["smape_vpt_threshold"])
        cell = {"vpt": steps / per_lt, "vpt_smape30": steps_smape / per_lt, "vpt_steps": float(steps)}
        for label, n in windows.items():
            window = scores.error_scores(t_raw[:n], p_raw[:n], std) if n > 0 else dict.fromkeys(ERRORS, math.nan)
            cell.update({f"{name}_{label}": value for name, value in window.items()})
        cell["wasserstein1"] = scores.mean_wasserstein(t, p)
        cell["spectral_hellinger"] = scores.spectral_hellinger(t, p)
        cell["forecast_seconds"] = forecast_seconds
        rows += [{**base, "split": "test", "fold": fold, "metric": m, "value": float(v), "metric_unit": _unit_of(m),
                  "note": "; ".join(filter(None, [undefined.get(m), note])) or None} for m, v in cell.items()]
    # The first origin's forecast: every channel for the panel figure's systems, the first channel (the
    # report's per-system gallery) for the others.
    channels = truth.shape[2] if row.system in settings["panel_systems"] else 1
    steps_axis = np.arange(1, horizon + 1)
    panel = pd.DataFrame({
        "system": row.system, "setting": base["setting"], "model": base["model"], "fold": 0,
        "step": np.repeat(steps_axis, channels), "channel": np.tile(np.arange(channels), horizon),
        "truth": (truth[0, :, :channels] * std[:channels] + mean[:channels]).ravel(),
        "forecast": (pred[0, :, :channels] * std[:channels] + mean[:channels]).ravel(),
        "lyapunov_time": np.repeat(steps_axis / per_lt, channels),
    })
    return rows, panel


def dataset_name(settings: dict) -> str:
    """The metrics' dataset label: dysts and its version, or the user file's name."""
    if settings["source"] == "json":
        return f"json:{Path(settings['json_file']).name}"
    return f"dysts-{importlib.metadata.version('dysts')}"


def forecast_job(trajectories_path, systems_path, spec: dict, settings: dict, model: str, setting: str,
                 metrics_path, panels_path, chunk: int = 0, n_chunks: int = 1) -> None:
    """Rule chaos_forecast: one forecaster in one setting over the ``chunk``-th of ``n_chunks`` slices of
    the systems (:func:`physbench.chunks.chunk_of`), metrics and panel forecasts."""
    trajectories = read_parquet(trajectories_path)
    systems = read_parquet(systems_path)
    systems = systems[systems["system"].isin(chunk_of(list(systems["system"]), chunk, n_chunks))]
    start = time.perf_counter()
    rows, panels = run_forecaster(trajectories, systems, spec, settings, model, setting)
    for r in rows:
        r["study"], r["dataset"] = STUDY, dataset_name(settings)
    config_slice = {"spec": spec, "settings": settings, "model": model, "setting": setting}
    frame = metrics_frame(rows, Provenance.for_job(config_slice, sha256_file(trajectories_path)))
    write_metrics(frame, metrics_path)
    write_parquet(panels_path, panels)
    log.info("%s/%s: %d systems, %d rows in %.1f s", setting, model, len(systems), len(frame),
             time.perf_counter() - start)
