"""Plug-in seams: every registered model passes one generic suite per kind; a new model is its class
plus one config entry, a new study its package, rule file and config section, and each runs only
what it must."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml
from sklearn.base import clone

from physbench.chaos.forecasters import REGISTRY as FORECASTERS
from physbench.compare import run_compare
from physbench.provenance import sha256_file
from physbench.sparc.darkexp import DarkexpTemplates, TemplateSettings, build_template_table
from physbench.sparc.halos import HALO_MODELS, Baryons, make_halo
from physbench.supercon.estimators import REGISTRY as ESTIMATORS
from physbench.supercon.estimators import build_model
from tests.conftest import QUICK_CONFIG, REPO, copy_project, run_snakemake, shadow_package
from tests.reliability.common import clone_run, jobs_in

EXAMPLE_STUDY = REPO / "tests/example_study"
TARGET_RULES = {"all", "supercon", "chaos", "sparc", "dysts_benchmark", "report", "pendulum"}


def test_registries_discover_every_model_with_its_declarations():
    assert set(ESTIMATORS) == {"mean", "linear_regression", "ridge", "knn", "random_forest", "extra_trees",
                               "hist_gradient_boosting", "xgboost"}
    assert set(FORECASTERS) == {"persistence", "mean", "linear_ar", "nvar", "esn", "esn_ensemble", "knn", "xgboost"}
    assert set(HALO_MODELS) == {"baryons", "nfw", "burkert", "pseudo_isothermal", "einasto", "darkexp", "dc14",
                                "core_nfw", "lucky13"}
    for registry in (ESTIMATORS, FORECASTERS, HALO_MODELS):
        for name, cls in registry.items():
            assert cls.name == name and cls.cost > 0, name
    for registry in (ESTIMATORS, FORECASTERS):
        assert all(isinstance(cls.threads, int) and cls.threads >= 1 for cls in registry.values())
    with pytest.raises(KeyError, match="registered"):
        ESTIMATORS["lasso"]


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_every_estimator_fits_deterministically_and_declares_its_parameters(name):
    rng = np.random.default_rng(0)
    features = rng.normal(size=(300, 6))
    target = 3.0 * features[:, 0] - 2.0 * features[:, 1] ** 2 + 0.1 * rng.normal(size=300)
    first, second = (build_model({"estimator": name}, seed=7, n_jobs=1).fit(features[:200], target[:200])
                     for _ in range(2))
    prediction = first.predict(features[200:])
    assert prediction.shape == (100,) and np.all(np.isfinite(prediction))
    np.testing.assert_allclose(prediction, second.predict(features[200:]))
    defaults = ESTIMATORS[name].defaults()
    assert defaults and all(isinstance(key, str) for key in defaults)
    if name != "mean":  # every real model beats the mean on this signal
        assert np.mean((prediction - target[200:]) ** 2) < np.var(target[200:])


@pytest.mark.parametrize("name", sorted(FORECASTERS))
def test_every_forecaster_stores_its_parameters_as_attributes(name):
    default = FORECASTERS[name]()
    params = default.get_params()
    copy = clone(default)
    assert copy.get_params() == params and type(copy) is type(default)
    assert all(getattr(default, key) == value for key, value in params.items())
    assert isinstance(default.context_points, int) and default.context_points >= 1


@pytest.fixture(scope="module")
def templates():
    settings = TemplateSettings(phi0_min=1.0, phi0_max=4.0, phi0_step=1.0, n_radial=600, tol=1e-8, n_s=401)
    return DarkexpTemplates(build_template_table(settings))


@pytest.mark.parametrize("name", sorted(HALO_MODELS))
def test_every_halo_model_gives_finite_velocities_inside_its_bounds(name, templates):
    halo = make_halo(name, templates=templates)
    assert set(halo.bounds) == set(halo.param_names)
    radius_kpc = np.geomspace(0.1, 30.0, 25)
    middle = np.array([sum(halo.bounds[p]) / 2 for p in halo.param_names])
    stars = Baryons(stellar_mass_msun=1e9, disk_scale_length_kpc=2.0) if halo.needs_baryons else None
    velocity = halo.velocity_kms(radius_kpc, middle, stars)
    assert velocity.shape == radius_kpc.shape and np.all(np.isfinite(velocity)) and np.all(velocity >= 0)
    # Several parameter sets at once broadcast like one at a time.
    grid = np.stack([middle, middle]).T[:, :, None] if halo.param_names else np.zeros((0, 2, 1))
    batch = halo.velocity_kms(np.broadcast_to(radius_kpc, (2, radius_kpc.size)), grid, stars)
    np.testing.assert_allclose(batch[1], velocity, rtol=1e-12)


# --------------------------------------------------------------------------- a new model in each study

NEW_MODELS = {
    "supercon/estimators/lasso.py": '''
"""Lasso regression (L1-penalised least squares)."""

from sklearn.linear_model import Lasso

from physbench.supercon.estimators import Estimator


class LassoRegression(Estimator):
    name = "lasso"
    cost = 3

    @staticmethod
    def make(seed, n_jobs, **params):
        return Lasso(random_state=seed, **params)
''',
    "chaos/forecasters/drift.py": '''
"""Drift: extrapolate the mean increment of the last points."""

import numpy as np

from physbench.chaos.forecasters import CLIP, Forecaster


class Drift(Forecaster):
    name = "drift"

    def __init__(self, window: int = 10):
        self.window = window

    @property
    def context_points(self):
        return int(self.window)

    def fit(self, train):
        return self

    def _predict(self, context, horizon):
        window = context[:, -self.context_points:, :]
        slope = (window[:, -1] - window[:, 0]) / (self.context_points - 1)
        steps = np.arange(1, horizon + 1)[None, :, None]
        return np.clip(window[:, -1:, :] + slope[:, None, :] * steps, -CLIP, CLIP)
''',
    "sparc/halos/hernquist.py": '''
"""The Hernquist (1990) halo."""

import numpy as np

from physbench.sparc.halos import G_KPC_KMS2_PER_MSUN, HaloModel


class Hernquist(HaloModel):
    """rho = M a / [2 pi r (r + a)^3], so V^2 = G M r / (r + a)^2."""

    name = "hernquist"
    param_names = ("log10_mass_msun", "log10_a_kpc")
    default_bounds = {"log10_mass_msun": (7.0, 13.5), "log10_a_kpc": (-1.0, 2.5)}

    def profile(self, radius_kpc, log10_mass_msun, log10_a_kpc):
        mass, a = 10.0**log10_mass_msun, 10.0**log10_a_kpc
        return np.sqrt(G_KPC_KMS2_PER_MSUN * mass * radius_kpc) / (radius_kpc + a)
''',
}
# The one config entry per model (the SuperCon grid is part of the model's entry: where it runs).
NEW_MODEL_CONFIG = {"studies": {
    "supercon": {"models": {"lasso": {"estimator": "lasso", "standardise": True, "params": {"alpha": 0.1}}},
                 "grid": {"hamidieh": {"kfold5": ["linear", "xgboost", "lasso"]}}},
    "chaos": {"forecasters": {"drift": {"forecaster": "drift", "params": {"window": 5}}}},
    "sparc": {"models": {"hernquist": {"halo": "hernquist"}}},
}}


@pytest.mark.workflow
def test_a_new_model_is_its_class_plus_one_config_entry_and_runs_only_its_jobs(quick_run, tmp_path):
    run = clone_run(quick_run, tmp_path / "run")
    (run / "new_models.yaml").write_text(yaml.safe_dump(NEW_MODEL_CONFIG))
    result = run_snakemake(run, configfiles=(QUICK_CONFIG, "new_models.yaml"),
                           env=shadow_package(tmp_path, add=NEW_MODELS))
    jobs = [(rule, wildcards) for rule, wildcards in jobs_in(result.stdout + result.stderr)
            if rule not in TARGET_RULES]
    model_jobs = {(rule, wildcards["model"]) for rule, wildcards in jobs if "model" in wildcards}
    assert model_jobs == {("supercon_fit", "lasso"), ("chaos_forecast", "drift"), ("sparc_fit", "hernquist")}
    others = sorted(rule for rule, wildcards in jobs if "model" not in wildcards)
    assert others == sorted(["supercon_aggregate", "supercon_summary", "chaos_aggregate", "chaos_report",
                             "sparc_aggregate", "sparc_summary", "sparc_figures", "report_aggregate",
                             "report_html"])
    # Every setting of the new forecaster ran, and its metrics reached the aggregate.
    assert sum(rule == "chaos_forecast" for rule, _ in jobs) == 2
    metrics = __import__("pandas").read_parquet(run / "results-quick/metrics.parquet")
    assert {"lasso", "drift", "hernquist"} <= set(metrics["model"])


# --------------------------------------------------------------------------- a new study

def files_under(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): sha256_file(p) for p in sorted(root.rglob("*")) if p.is_file()}


def add_example_study(project: Path) -> None:
    for part in ("workflow", "scripts"):
        shutil.copytree(EXAMPLE_STUDY / part, project / part, dirs_exist_ok=True)
    shutil.copy(EXAMPLE_STUDY / "config.yaml", project / "pendulum.yaml")


@pytest.mark.workflow
def test_a_new_study_needs_no_edit_of_shared_files(tmp_path):
    project = copy_project(tmp_path / "project")
    before = files_under(project)
    add_example_study(project)
    after = files_under(project)
    assert {name: after[name] for name in before} == before  # only additions
    assert "pendulum" not in (REPO / "dvc.yaml").read_text() and "sparc" not in (REPO / "dvc.yaml").read_text()
    files = {f"pendulum/{p.name}": p.read_text() for p in (EXAMPLE_STUDY / "src/physbench/pendulum").glob("*.py")}
    env = shadow_package(tmp_path, add=files)

    run_snakemake(project, "pendulum", "report", configfiles=(QUICK_CONFIG, "pendulum.yaml"), env=env)
    summary = yaml.safe_load((project / "results-quick/summary.json").read_text())
    assert set(summary) == {"pendulum"}
    metrics = __import__("pandas").read_parquet(project / "results-quick/metrics.parquet")
    errors = metrics[metrics["metric"] == "relative_error"].set_index(["model", "unit"])["value"]
    assert errors.max() < 1e-3 and errors["dop853"].max() < errors["rk45"].max()
    assert "Pendulum: periods from ODE integrators" in (project / "results-quick/report/index.html").read_text()

    # A variant of one integrator: physbench compare flags that integrator's change and nothing else.
    shutil.copytree(project / "results-quick", tmp_path / "baseline")
    variant = yaml.safe_load((project / "pendulum.yaml").read_text())
    variant["studies"]["pendulum"]["integrators"]["rk45"]["rtol"] = 1.0e-3
    (project / "variant.yaml").write_text(yaml.safe_dump(variant))
    run_snakemake(project, "pendulum", "report", configfiles=(QUICK_CONFIG, "variant.yaml"), env=env)
    result = run_compare(str(tmp_path / "baseline"), str(project / "results-quick"), out_dir=tmp_path / "compare")
    flagged = result["table"][result["table"]["flagged"]]
    assert set(flagged["study"]) == {"pendulum"} and set(flagged["model"]) == {"rk45"}
    assert (tmp_path / "compare/index.html").is_file() and not math.isnan(flagged["mean_b"].iloc[0])
