"""Speed of the SPARC study: DARKexp solve time per phi0 and per-galaxy MAP fit time of each model.

Usage: .venv/bin/python benchmarks/sparc_fit_speed.py [--galaxies 20] [--templates PATH] [--phi0 4.0]
Reads the pipeline's template table when it exists (else builds a coarse one and says so) and the
vendored SPARC snapshot; fits every model with the settings of config.yaml, on one thread.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import yaml
from threadpoolctl import threadpool_limits

from physbench.io import read_parquet
from physbench.sparc.darkexp import DarkexpTemplates, RadialGrid, TemplateSettings, build_template_table, solve_darkexp
from physbench.sparc.data import read_galaxy_table
from physbench.sparc.steps import load_galaxy, make_fitter, sample_galaxies

REPO = Path(__file__).resolve().parents[1]
SNAPSHOT = REPO / "data" / "snapshots" / "sparc"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--galaxies", type=int, default=20, help="galaxies to fit per model (evenly spread)")
    parser.add_argument("--templates", default=str(REPO / "results" / "sparc" / "darkexp_templates.parquet"))
    parser.add_argument("--phi0", type=float, default=4.0, help="phi0 of the timed template solve")
    args = parser.parse_args()
    study = yaml.safe_load((REPO / "config.yaml").read_text())["studies"]["sparc"]
    settings = TemplateSettings(**study["templates"])

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
        print(f"\n{len(galaxies)} galaxies, setting {setting_name}; seconds per galaxy fit")
        print(f"{'model':<20}{'median':>8}{'mean':>8}{'max':>8}{'total':>9}")
        for model_name, model in study["models"].items():
            fitter = make_fitter(model, setting, study.get("optimiser", {}), templates, study["hubble_kms_mpc"],
                                 model_name)
            seconds = []
            for galaxy in galaxies:
                start = time.perf_counter()
                fitter.fit(galaxy)
                seconds.append(time.perf_counter() - start)
            s = np.array(seconds)
            print(f"{model_name:<20}{np.median(s):>8.3f}{s.mean():>8.3f}{s.max():>8.3f}{s.sum():>9.2f}")


if __name__ == "__main__":
    main()
