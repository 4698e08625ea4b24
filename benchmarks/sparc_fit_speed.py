"""Speed of the SPARC study: DARKexp solve time, per-galaxy MAP fit and posterior sampling time of each
model, and the cost of a finished run.

Usage: .venv/bin/python benchmarks/sparc_fit_speed.py [--galaxies 20] [--models nfw,dc14] [--templates PATH]
           [--phi0 4.0] [--run DIR]
Reads the pipeline's template table when it exists (else builds a coarse one and says so) and the
vendored SPARC snapshot; fits and samples every model with the settings of config.yaml, on one
thread, and times the stacked log-posterior per data point and parameter set. With --run (a
project folder after ``snakemake sparc``), prints instead the run's cost per (setting, model) from
its metrics, and the study's total job time from its benchmark files.
"""

from __future__ import annotations

import argparse
import time
import timeit
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from threadpoolctl import threadpool_limits

from physbench.io import read_parquet
from physbench.metrics import read_metrics
from physbench.sparc.darkexp import DarkexpTemplates, RadialGrid, TemplateSettings, build_template_table, solve_darkexp
from physbench.sparc.data import read_galaxy_table
from physbench.sparc.posterior import SamplerSettings, sample_posteriors
from physbench.sparc.steps import load_galaxy, make_fitter, sample_galaxies

REPO = Path(__file__).resolve().parents[1]
SNAPSHOT = REPO / "data" / "snapshots" / "sparc"


def run_cost(run: Path) -> None:
    """Per (setting, model): fits, MAP and posterior seconds, converged chains; the study's job times."""
    metrics = read_metrics(run / "results" / "sparc" / "metrics.parquet")
    wide = metrics.set_index(["setting", "model", "unit", "metric"])["value"].unstack("metric")
    print(f"{'setting':<8}{'model':<19}{'fits':>5}{'MAP s':>8}{'post. s':>9}{'s/fit':>7}{'converged':>10}")
    for (setting, model), group in wide.groupby(level=["setting", "model"]):
        sampled = group["posterior_converged"].notna()
        print(f"{setting:<8}{model:<19}{len(group):>5}{group['fit_seconds'].sum():>8.0f}"
              f"{group['posterior_seconds'].sum():>9.0f}{group['posterior_seconds'].median():>7.2f}"
              f"{int((group['posterior_converged'] == 1).sum()):>6d}/{int(sampled.sum())}")
    converged = wide["posterior_converged"].dropna()
    print(f"all: {len(wide)} fits, MAP {wide['fit_seconds'].sum():.0f} s, "
          f"posterior {wide['posterior_seconds'].sum():.0f} s, converged chains {converged.mean():.1%} "
          f"({int(converged.sum())} of {len(converged)})")
    jobs = [pd.read_csv(path, sep="\t") for path in (run / "results" / "benchmarks" / "sparc").rglob("*.tsv")]
    if jobs:
        times = pd.concat(jobs)
        print(f"job benchmark files: {len(jobs)} jobs, wall {times['s'].sum():.0f} s, "
              f"CPU {times['cpu_time'].sum():.0f} s")


def log_posterior_ns(fitter, fits, sets_per_galaxy: int = 16) -> float:
    """Time of the stacked log-posterior per data point and parameter set, in ns (best of 9 repeats), on
    the largest group of MAP fits with the same parameters, at parameter sets near each MAP."""
    groups = {}
    for galaxy, result in fits:
        groups.setdefault(tuple(result.param_names), []).append((galaxy, result))
    group = max(groups.values(), key=len)
    log_posterior = fitter.log_posterior_function([galaxy for galaxy, _ in group])
    rng = np.random.default_rng(0)
    theta = np.concatenate([result.values + 1e-4 * (np.array(result.bounds) @ [-1.0, 1.0])
                            * rng.standard_normal((sets_per_galaxy, len(result.values))) for _, result in group])
    n_points = sum(len(galaxy.curve) for galaxy, _ in group)
    seconds = min(timeit.repeat(lambda: log_posterior(theta), number=20, repeat=9)) / 20
    return seconds / (n_points * sets_per_galaxy) * 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, help="a project folder with a finished SPARC run: print its cost")
    parser.add_argument("--galaxies", type=int, default=20, help="galaxies to fit per model (evenly spread)")
    parser.add_argument("--models", help="comma-separated models of config.yaml to time (default: all)")
    parser.add_argument("--templates", default=str(REPO / "results" / "sparc" / "darkexp_templates.parquet"))
    parser.add_argument("--phi0", type=float, default=4.0, help="phi0 of the timed template solve")
    args = parser.parse_args()
    if args.run:
        run_cost(args.run)
        return
    study = yaml.safe_load((REPO / "config.yaml").read_text())["studies"]["sparc"]
    settings = TemplateSettings(**{k: v for k, v in study["templates"].items() if k != "n_chunks"})

    with threadpool_limits(1):
        start = time.perf_counter()
        solution = solve_darkexp(args.phi0, RadialGrid(n=settings.n_radial), tol=settings.tol)
        print(f"DARKexp solve, phi0 = {args.phi0}, {settings.n_radial} radial points: "
              f"{time.perf_counter() - start:.1f} s ({solution.iterations} passes)")

        if Path(args.templates).exists():
            templates = DarkexpTemplates(read_parquet(args.templates))
            print(f"templates: {args.templates}")
        else:
            coarse = TemplateSettings(phi0_step=0.5, n_radial=800, tol=1e-9)
            templates = DarkexpTemplates(build_template_table(coarse))
            print("templates: pipeline table not found, built a coarse one (phi0 step 0.5, 800 points)")

        table = read_galaxy_table(SNAPSHOT / "SPARC_Lelli2016c.mrt")
        names = sample_galaxies(table, study.get("sample", {}))
        chosen = [names[i] for i in np.linspace(0, len(names) - 1, min(args.galaxies, len(names))).astype(int)]
        galaxies = [load_galaxy(SNAPSHOT, table, name) for name in chosen]
        setting_name, setting = next(iter(study["settings"].items()))
        sampler = SamplerSettings(**study.get("posterior", {}))
        print(f"\n{len(galaxies)} galaxies, setting {setting_name}; seconds per galaxy: MAP fit | posterior; "
              "ns of the stacked log-posterior per point and parameter set")
        print(f"{'model':<20}{'median':>8}{'mean':>8}{'max':>8}{'total':>9} |{'median':>8}{'mean':>8}{'max':>8}"
              f"{'total':>9} |{'ns':>6}")
        models = {name: model for name, model in study["models"].items()
                  if not args.models or name in args.models.split(",")}
        for model_name, model in models.items():
            fitter = make_fitter(model, setting, study.get("optimiser", {}), templates, study["hubble_kms_mpc"],
                                 model_name)
            # As in the pipeline: the global searches side by side, then each galaxy's local searches.
            searches = fitter.map_searches(galaxies)
            fits = [(galaxy, fitter.fit(galaxy, searches.get(galaxy.name)).result_) for galaxy in galaxies]
            seconds = [result.fit_seconds for _, result in fits]
            # As in the pipeline: the posteriors side by side, each galaxy's share of the time.
            sampled = [(galaxy, result) for galaxy, result in fits if result.n_free] if sampler.sample else []
            sampling = [posterior.seconds for posterior in sample_posteriors(fitter, sampled, sampler)]
            line = f"{model_name:<20}"
            for values in (np.array(seconds), np.array(sampling or [np.nan])):
                line += f"{np.median(values):>8.3f}{values.mean():>8.3f}{values.max():>8.3f}{values.sum():>9.2f} |"
            print(line + (f"{log_posterior_ns(fitter, sampled):>6.0f}" if sampled else f"{'-':>6}"))


if __name__ == "__main__":
    main()
