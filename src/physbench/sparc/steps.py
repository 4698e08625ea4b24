"""The SPARC study's pipeline steps, one function per Snakemake rule (paths in, paths out)."""

from __future__ import annotations

import logging
import math
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from physbench.io import read_parquet, write_json, write_parquet
from physbench.metrics import aggregate, metrics_frame, write_metrics
from physbench.metrics import read_metrics as read_metrics_table
from physbench.provenance import Provenance
from physbench.sparc.darkexp import DarkexpTemplates, TemplateSettings, build_template_table
from physbench.sparc.data import read_galaxy_table, read_rotmod, rotmod_path, select_sample
from physbench.sparc.fitting import FitResult, Galaxy, OptimiserSettings, PriorSettings, RotationCurveFit
from physbench.sparc import figures
from physbench.sparc.halos import NEEDS_TEMPLATES, make_halo
from physbench.sparc.summary import CORED_PHI0, fit_table, phi0_table, summarise

log = logging.getLogger(__name__)
STUDY = "sparc"
TABLE_FILE = "SPARC_Lelli2016c.mrt"
# metric name -> unit, in the order written.
FIT_METRICS = {
    "chi2": "", "reduced_chi2": "", "aic": "", "bic": "", "neg2_log_posterior": "", "n_points": "count",
    "n_free": "count", "converged": "bool", "at_bound": "bool", "halo_at_bound": "bool", "fit_seconds": "s",
}


def build_templates(out, settings: dict, threads: int = 1) -> None:
    """Solve DARKexp on the configured phi0 grid and write the template table."""
    table = build_template_table(TemplateSettings(**settings), n_jobs=threads)
    per_phi0 = table.groupby("phi0").first()
    log.info("%d phi0 values, %.1f s solver time in all (max %.1f s per phi0)", len(per_phi0),
             per_phi0["solve_seconds"].sum(), per_phi0["solve_seconds"].max())
    write_parquet(out, table)


def sample_galaxies(table: pd.DataFrame, sample: dict) -> list[str]:
    """Galaxies of the configured sample (named cuts, optional explicit list)."""
    return select_sample(table, sample.get("cuts", []), sample.get("galaxies"))


def chunk_of(galaxies: list[str], chunk: int, n_chunks: int) -> list[str]:
    """The ``chunk``-th of ``n_chunks`` contiguous, near-equal slices of ``galaxies``."""
    bounds = np.linspace(0, len(galaxies), n_chunks + 1).round().astype(int)
    return galaxies[bounds[chunk]:bounds[chunk + 1]]


def load_galaxy(data_dir, table: pd.DataFrame, name: str) -> Galaxy:
    return Galaxy.from_table(read_rotmod(rotmod_path(data_dir, name), name), table.loc[name])


def make_fitter(model: dict, setting: dict, optimiser: dict, templates: DarkexpTemplates | None,
                hubble_kms_mpc: float, model_name: str) -> RotationCurveFit:
    halo = make_halo(model["halo"], model.get("bounds"), templates, hubble_kms_mpc)
    return RotationCurveFit(halo, PriorSettings(**setting), OptimiserSettings(**optimiser), model_name=model_name)


def _metric_rows(result: FitResult | None, galaxy: str, model: str, setting: str, n_points: int,
                 error: str | None) -> list[dict]:
    base = {"study": STUDY, "dataset": STUDY, "setting": setting, "unit": galaxy, "model": model,
            "split": "all", "fold": 0}
    if result is None:
        values = dict.fromkeys(FIT_METRICS, math.nan) | {"n_points": n_points, "converged": 0.0}
        note = f"fit failed: {error}"
    else:
        values = {"chi2": result.chi2, "reduced_chi2": result.reduced_chi2, "aic": result.aic, "bic": result.bic,
                  "neg2_log_posterior": result.neg2_log_posterior, "n_points": result.n_points,
                  "n_free": result.n_free, "converged": float(result.converged),
                  "at_bound": float(bool(result.at_bound)), "halo_at_bound": float(result.halo_at_bound),
                  "fit_seconds": result.fit_seconds}
        notes = [result.message] if result.message else []
        if result.dof <= 0:
            notes.append(f"reduced chi2 undefined: {result.n_points} points <= {result.n_free} free parameters")
        note = "; ".join(notes) or None
    return [base | {"metric": k, "value": float(values[k]), "metric_unit": unit, "note": note}
            for k, unit in FIT_METRICS.items()]


def _parameter_rows(result: FitResult, setting: str) -> list[dict]:
    rows = []
    for name, value, error, (low, high) in zip(result.param_names, result.values, result.errors, result.bounds):
        rows.append({"setting": setting, "model": result.model, "galaxy": result.galaxy, "parameter": name,
                     "kind": "fit", "value": float(value), "error": float(error), "lower": low, "upper": high,
                     "at_bound": name in result.at_bound})
    for name, value in result.derived.items():
        rows.append({"setting": setting, "model": result.model, "galaxy": result.galaxy, "parameter": name,
                     "kind": "derived", "value": float(value), "error": math.nan, "lower": math.nan,
                     "upper": math.nan, "at_bound": False})
    return rows


PARAMETER_COLUMNS = ("setting", "model", "galaxy", "parameter", "kind", "value", "error", "lower", "upper",
                     "at_bound")


def fit_chunk(data_dir, templates_parquet, out_metrics, out_parameters, *, model_name: str, setting_name: str,
              chunk: int, params: dict) -> None:
    """Fit one model under one prior setting to one chunk of the sample; failures become metric rows."""
    table = read_galaxy_table(Path(data_dir) / TABLE_FILE)
    galaxies = chunk_of(sample_galaxies(table, params["sample"]), chunk, params["n_chunks"])
    model = params["model"]
    templates = DarkexpTemplates(read_parquet(templates_parquet)) if model["halo"] in NEEDS_TEMPLATES else None
    fitter = make_fitter(model, params["setting"], params["optimiser"], templates, params["hubble_kms_mpc"],
                         model_name)
    provenance = Provenance.for_job({k: params[k] for k in ("model", "setting", "optimiser", "sample",
                                                          "hubble_kms_mpc")}, params["data_sha256"])
    metric_rows, parameter_rows = [], []
    with threadpool_limits(1):
        for name in galaxies:
            galaxy = load_galaxy(data_dir, table, name)
            try:
                result = fitter.fit(galaxy).result_
                error = None
            except (ValueError, ArithmeticError, RuntimeError, np.linalg.LinAlgError) as err:
                result, error = None, f"{type(err).__name__}: {err}"
                log.warning("%s / %s: %s", name, model_name, error)
            metric_rows += _metric_rows(result, name, model_name, setting_name, len(galaxy.curve), error)
            if result is not None:
                parameter_rows += _parameter_rows(result, setting_name)
                log.info("%s %s: chi2_nu = %.3f (N = %d, f = %d) in %.2f s%s", model_name, name,
                         result.reduced_chi2, result.n_points, result.n_free, result.fit_seconds,
                         f" [{result.message}]" if result.message else "")
    write_metrics(metrics_frame(metric_rows, provenance), out_metrics)
    write_parquet(out_parameters, pd.DataFrame(parameter_rows, columns=list(PARAMETER_COLUMNS)))


def aggregate_study(metrics_paths, parameter_paths, out_metrics, out_parameters) -> None:
    frame = aggregate(metrics_paths, out_metrics)
    log.info("aggregated %d metric rows from %d jobs", len(frame), len(metrics_paths))
    parameters = pd.concat([read_parquet(p) for p in parameter_paths], ignore_index=True)
    write_parquet(out_parameters, parameters.sort_values(["setting", "model", "galaxy"], kind="stable"))


def summarise_study(metrics_parquet, parameters_parquet, data_dir, out_summary, out_table, out_phi0, *,
                    subsamples: dict) -> None:
    """summary.json (headline numbers), the per-model table and the DARKexp phi0 table."""
    metrics, parameters = read_metrics_table(metrics_parquet), read_parquet(parameters_parquet)
    galaxy_table = read_galaxy_table(Path(data_dir) / TABLE_FILE)
    summary, table = summarise(metrics, parameters, galaxy_table, subsamples)
    for setting, entry in summary["settings"].items():
        log.info("%s: median reduced chi2 %s; BIC wins %s", setting,
                 {k: round(v, 3) for k, v in entry["median_reduced_chi2"].items()}, entry["bic_wins"])
    write_parquet(out_table, table)
    write_parquet(out_phi0, phi0_table(parameters, galaxy_table, fit_table(metrics)))
    write_json(out_summary, summary)


def _adopted_fits(parameters: pd.DataFrame, data_dir, table: pd.DataFrame, setting_name: str, params: dict,
                  templates: DarkexpTemplates | None) -> dict[str, dict[str, RotationCurveFit]]:
    """fits[galaxy][model] rebuilt from the parameters table (no refitting)."""
    chosen = parameters[(parameters["setting"] == setting_name) & (parameters["kind"] == "fit")]
    fits: dict[str, dict[str, RotationCurveFit]] = {}
    galaxies = sorted(set(parameters.loc[parameters["setting"] == setting_name, "galaxy"]), key=list(table.index).index)
    for name in galaxies:
        galaxy = load_galaxy(data_dir, table, name)
        fits[name] = {}
        for model_name, model in params["models"].items():
            values = chosen[(chosen["galaxy"] == name) & (chosen["model"] == model_name)]
            fitter = make_fitter(model, params["settings"][setting_name], {}, templates, params["hubble_kms_mpc"],
                                 model_name)
            try:
                fits[name][model_name] = fitter.use_parameters(galaxy, dict(zip(values["parameter"], values["value"])))
            except KeyError as err:
                log.warning("%s / %s not drawn: %s", name, model_name, err)
    return fits


def plot_study(metrics_parquet, parameters_parquet, table_parquet, phi0_parquet, templates_parquet, data_dir,
               outputs: dict, *, params: dict) -> None:
    """The study's figures (named-galaxy fits, all-galaxy grid, BIC preference, chi2 CDF, phi0)."""
    metrics, parameters = read_metrics_table(metrics_parquet), read_parquet(parameters_parquet)
    galaxy_table = read_galaxy_table(Path(data_dir) / TABLE_FILE)
    templates = DarkexpTemplates(read_parquet(templates_parquet))
    setting = params["figures"].get("setting") or next(iter(params["settings"]))
    fits = _adopted_fits(parameters, data_dir, galaxy_table, setting, params, templates)
    named = [g for g in params["figures"].get("galaxies", []) if g in fits]
    figures.rotation_curves(fits, named or list(fits)[:6], outputs["named"], detail=True)
    figures.rotation_curves(fits, list(fits), outputs["grid"], detail=False)
    figures.bic_preference(read_parquet(table_parquet), outputs["bic"])
    figures.reduced_chi2_cdf(fit_table(metrics), outputs["chi2"])
    figures.phi0_distribution(read_parquet(phi0_parquet), outputs["phi0"], CORED_PHI0)
    log.info("figures for %d galaxies (%d named) of setting %s", len(fits), len(named), setting)
