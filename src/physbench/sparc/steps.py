"""The SPARC study's pipeline steps, one function per Snakemake rule (paths in, paths out)."""

from __future__ import annotations

import logging
import math

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from physbench.chunks import chunk_of
from physbench.io import read_parquet, write_parquet
from physbench.metrics import aggregate, metrics_frame, undefined_note, write_metrics
from physbench.provenance import Provenance
from physbench.sparc.darkexp import DarkexpTemplates
from physbench.sparc.data import load_galaxy_table, read_rotmod, rotmod_path, select_sample
from physbench.sparc.fitting import FitResult, Galaxy, OptimiserSettings, PriorSettings, RotationCurveFit
from physbench.sparc.halos import HALO_MODELS, make_halo
from physbench.sparc.posterior import PERCENTILES, Posterior, SamplerSettings, sample_posteriors

log = logging.getLogger(__name__)
STUDY = "sparc"
FIT_ERRORS = (ValueError, ArithmeticError, RuntimeError, np.linalg.LinAlgError)  # a fit's failures, reported
# metric name -> unit, in the order written.
FIT_METRICS = {
    "chi2": "", "reduced_chi2": "", "aic": "", "bic": "", "neg2_log_posterior": "", "n_points": "count",
    "n_free": "count", "converged": "bool", "at_bound": "bool", "halo_at_bound": "bool", "fit_seconds": "s",
}
# Posterior diagnostics, per fit, when the posterior is sampled; then also every parameter's
# 16th, 50th and 84th percentiles as metrics "<parameter>_p16" etc.
POSTERIOR_METRICS = {
    "posterior_converged": "bool", "posterior_acceptance": "", "posterior_tau_max": "steps",
    "posterior_effective_samples": "count", "posterior_steps": "steps", "posterior_seconds": "s",
}


def sample_galaxies(table: pd.DataFrame, sample: dict) -> list[str]:
    """Galaxies of the configured sample (named cuts, optional explicit list)."""
    return select_sample(table, sample.get("cuts", []), sample.get("galaxies"))


def load_galaxy(data_dir, table: pd.DataFrame, name: str) -> Galaxy:
    return Galaxy.from_table(read_rotmod(rotmod_path(data_dir, name), name), table.loc[name])


def make_fitter(model: dict, setting: dict, optimiser: dict, templates: DarkexpTemplates | None,
                hubble_kms_mpc: float, model_name: str) -> RotationCurveFit:
    halo = make_halo(model["halo"], model.get("bounds"), templates, hubble_kms_mpc)
    priors = PriorSettings(**{k: v for k, v in setting.items() if k != "models"})
    return RotationCurveFit(halo, priors, OptimiserSettings(**optimiser), model_name=model_name)


def _key(galaxy: str, model: str, setting: str) -> dict:
    """The metrics key of one fit, without the metric."""
    return {"study": STUDY, "dataset": STUDY, "setting": setting, "unit": galaxy, "model": model, "split": "all",
            "fold": 0}


def _metric_rows(result: FitResult | None, base: dict, n_points: int, error: str | None) -> list[dict]:
    """The fit metrics of one fit (all NaN but n_points when it failed); the reduced chi^2 of a fit
    without degrees of freedom is undefined by construction, which its note says."""
    notes = {}
    if result is None:
        values = dict.fromkeys(FIT_METRICS, math.nan) | {"n_points": n_points, "converged": 0.0}
        note = f"fit failed: {error}"
    else:
        values = {"chi2": result.chi2, "reduced_chi2": result.reduced_chi2, "aic": result.aic, "bic": result.bic,
                  "neg2_log_posterior": result.neg2_log_posterior, "n_points": result.n_points,
                  "n_free": result.n_free, "converged": float(result.converged),
                  "at_bound": float(bool(result.at_bound)), "halo_at_bound": float(result.halo_at_bound),
                  "fit_seconds": result.fit_seconds}
        note = result.message or None
        if result.dof <= 0:
            undefined = undefined_note(f"reduced chi2 with {result.n_points} points <= {result.n_free} free parameters")
            notes["reduced_chi2"] = "; ".join(filter(None, [undefined, note]))
    return [base | {"metric": k, "value": float(values[k]), "metric_unit": unit, "note": notes.get(k, note)}
            for k, unit in FIT_METRICS.items()]


def _posterior_metric_rows(posterior: Posterior, base: dict) -> list[dict]:
    values = {"posterior_converged": float(posterior.converged), "posterior_acceptance": posterior.acceptance,
              "posterior_tau_max": float(posterior.tau_steps.max()),
              "posterior_effective_samples": posterior.effective_samples,
              "posterior_steps": float(posterior.n_steps), "posterior_seconds": posterior.seconds}
    note = posterior.message or None
    rows = [base | {"metric": k, "value": float(values[k]), "metric_unit": unit, "note": note}
            for k, unit in POSTERIOR_METRICS.items()]
    for name, percentiles in posterior.percentiles().items():
        limit = posterior.limits.get(name)
        for level in (16.0, 50.0, 84.0):
            rows.append(base | {"metric": f"{name}_p{level:.0f}", "value": percentiles[level], "metric_unit": "",
                                "note": f"{limit} limit at the prior edge" if limit else None})
    return rows


def _parameter_rows(result: FitResult, setting: str, posterior: Posterior | None) -> list[dict]:
    percentiles = posterior.percentiles() if posterior is not None else {}
    limits = posterior.limits if posterior is not None else {}
    rows = []
    for name, value, error, (low, high) in zip(result.param_names, result.values, result.errors, result.bounds):
        spread = percentiles.get(name, dict.fromkeys(PERCENTILES, math.nan))
        # A one-sided 95 % limit where the posterior piles up at a prior edge.
        limit = limits.get(name)
        limit_value = spread[95.0] if limit == "upper" else spread[5.0] if limit == "lower" else math.nan
        rows.append({"setting": setting, "model": result.model, "galaxy": result.galaxy, "parameter": name,
                     "kind": "fit", "value": float(value), "error": float(error), "lower": low, "upper": high,
                     "at_bound": name in result.at_bound, "p16": spread[16.0], "median": spread[50.0],
                     "p84": spread[84.0], "limit": limit or "", "limit_value": limit_value})
    for name, value in result.derived.items():
        rows.append({"setting": setting, "model": result.model, "galaxy": result.galaxy, "parameter": name,
                     "kind": "derived", "value": float(value), "error": math.nan, "lower": math.nan,
                     "upper": math.nan, "at_bound": False, "p16": math.nan, "median": math.nan, "p84": math.nan,
                     "limit": "", "limit_value": math.nan})
    return rows


PARAMETER_COLUMNS = ("setting", "model", "galaxy", "parameter", "kind", "value", "error", "lower", "upper",
                     "at_bound", "p16", "median", "p84", "limit", "limit_value")
SAMPLE_KEY_COLUMNS = ("setting", "model", "galaxy", "sample", "log_posterior")


def _sample_frame(posterior: Posterior, setting: str, model: str, galaxy: str) -> pd.DataFrame:
    """The thinned posterior samples of one fit, one row per sample and one column per parameter."""
    frame = pd.DataFrame(posterior.samples, columns=posterior.param_names)
    frame.insert(0, "log_posterior", posterior.log_posterior)
    frame.insert(0, "sample", np.arange(len(frame), dtype=np.int32))
    for column, value in (("galaxy", galaxy), ("model", model), ("setting", setting)):
        frame.insert(0, column, value)
    return frame


def fit_chunk(data_dir, templates_parquet, out_metrics, out_parameters, out_samples, *, model_name: str,
              setting_name: str, chunk: int, params: dict) -> None:
    """Fit one model under one prior setting to one chunk of the sample, then sample the posteriors.

    Failures become metric rows; the posterior samples of every fit go to ``out_samples``.
    """
    table = load_galaxy_table(data_dir)
    galaxies = chunk_of(sample_galaxies(table, params["sample"]), chunk, params["n_chunks"])
    model = params["model"]
    templates = (DarkexpTemplates(read_parquet(templates_parquet))
                 if HALO_MODELS[model["halo"]].needs_templates else None)
    fitter = make_fitter(model, params["setting"], params["optimiser"], templates, params["hubble_kms_mpc"],
                         model_name)
    sampler = SamplerSettings(**params["posterior"])
    provenance = Provenance.for_job({k: params[k] for k in ("model", "setting", "optimiser", "posterior", "sample",
                                                          "hubble_kms_mpc")}, params["data_sha256"])
    metric_rows, parameter_rows, sample_frames = [], [], []
    with threadpool_limits(1):
        chunk_galaxies = [load_galaxy(data_dir, table, name) for name in galaxies]
        try:  # the global and local searches of all galaxies side by side
            searches = fitter.map_searches(chunk_galaxies)
        except FIT_ERRORS as err:  # reported per galaxy by its own fit below
            log.warning("%s: no side-by-side searches (%s: %s)", model_name, type(err).__name__, err)
            searches = {}
        fits = []  # (galaxy, MAP result or None, error)
        for galaxy in chunk_galaxies:
            name = galaxy.name
            try:
                result, error = fitter.fit(galaxy, searches.get(name)).result_, None
                log.info("%s %s: chi2_nu = %.3f (N = %d, f = %d) in %.2f s%s", model_name, name,
                         result.reduced_chi2, result.n_points, result.n_free, result.fit_seconds,
                         f" [{result.message}]" if result.message else "")
            except FIT_ERRORS as err:
                result, error = None, f"{type(err).__name__}: {err}"
                log.warning("%s / %s: %s", name, model_name, error)
            fits.append((galaxy, result, error))
        # Posteriors of every sampleable MAP fit, sampled side by side.
        sampled = [(galaxy, result) for galaxy, result, _ in fits if result is not None and result.n_free
                   and math.isfinite(result.neg2_log_posterior)] if sampler.sample else []
        posteriors = dict(zip((galaxy.name for galaxy, _ in sampled), sample_posteriors(fitter, sampled, sampler)))
        for galaxy, result, error in fits:
            key = _key(galaxy.name, model_name, setting_name)
            metric_rows += _metric_rows(result, key, len(galaxy.curve), error)
            if result is None:
                continue
            posterior = posteriors.get(galaxy.name)
            if posterior is not None:
                metric_rows += _posterior_metric_rows(posterior, key)
                sample_frames.append(_sample_frame(posterior, setting_name, model_name, galaxy.name))
                log.info("%s %s posterior: %d steps, tau %.0f, acceptance %.2f, %.1f s%s", model_name, galaxy.name,
                         posterior.n_steps, posterior.tau_steps.max(), posterior.acceptance, posterior.seconds,
                         f" [{posterior.message}]" if posterior.message else "")
            parameter_rows += _parameter_rows(result, setting_name, posterior)
    write_metrics(metrics_frame(metric_rows, provenance), out_metrics)
    write_parquet(out_parameters, pd.DataFrame(parameter_rows, columns=list(PARAMETER_COLUMNS)))
    samples = pd.concat(sample_frames, ignore_index=True) if sample_frames else pd.DataFrame(
        columns=list(SAMPLE_KEY_COLUMNS))
    write_parquet(out_samples, samples)


def aggregate_study(metrics_paths, parameter_paths, out_metrics, out_parameters) -> None:
    frame = aggregate(metrics_paths, out_metrics)
    log.info("aggregated %d metric rows from %d jobs", len(frame), len(metrics_paths))
    parameters = pd.concat([read_parquet(p) for p in parameter_paths], ignore_index=True)
    write_parquet(out_parameters, parameters.sort_values(["setting", "model", "galaxy"], kind="stable"))
