"""MAP fits: synthetic galaxies generated from known parameters are recovered within their errors."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import minimize, rosen, rosen_der

from physbench.sparc.darkexp import DarkexpTemplates, TemplateSettings, build_template_table
from physbench.sparc.fitting import (
    Galaxy,
    OptimiserSettings,
    PriorSettings,
    RotationCurveFit,
    differential_evolution,
    l_bfgs_b,
)
from physbench.sparc.halos import make_halo
from physbench.sparc.steps import load_galaxy

SNAPSHOT = Path(__file__).resolve().parents[2] / "data" / "snapshots" / "sparc"
TRUTH = {
    "baryons": [],
    "nfw": [2.05, 1.0],
    "burkert": [0.6, 7.5],
    "pseudo_isothermal": [0.3, 8.0],
    "einasto": [2.05, 1.0, 0.3],
    "darkexp": [3.5, 0.8, 2.0],
}


@pytest.fixture(scope="module")
def templates():
    settings = TemplateSettings(phi0_min=2.0, phi0_max=6.0, phi0_step=1.0, n_radial=600, tol=1e-8)
    return DarkexpTemplates(build_template_table(settings))


def synthetic(galaxy: Galaxy, fitter: RotationCurveFit, halo_params: list[float], seed: int = 1) -> Galaxy:
    """The galaxy's baryons plus the given halo at the prior means, observed with 3 % Gaussian errors."""
    names = fitter._layout(galaxy)[0]
    truth = dict(zip(names, halo_params))
    truth |= {"log10_upsilon_disk": math.log10(0.5), "distance_mpc": galaxy.distance_mpc,
              "inclination_deg": galaxy.inclination_deg}
    model = fitter.use_parameters(galaxy, truth).predict()["vmodel_kms"].to_numpy()
    errors = np.maximum(0.03 * model, 2.0)
    data = galaxy.curve.data.copy()
    data["vobs_kms"] = model + np.random.default_rng(seed).normal(0.0, errors)
    data["verr_kms"] = errors
    curve = type(galaxy.curve)(galaxy.name, galaxy.distance_mpc, data)
    return dataclasses.replace(galaxy, curve=curve)


@pytest.mark.parametrize("kind", sorted(TRUTH))
def test_synthetic_galaxy_is_fitted_back_within_errors(kind, templates, real_galaxy):
    fitter = RotationCurveFit(make_halo(kind, templates=templates), PriorSettings(), OptimiserSettings(seed=3))
    galaxy = synthetic(real_galaxy, fitter, TRUTH[kind])
    result = fitter.fit(galaxy).result_
    assert result.converged, result.message
    assert result.param_names[: len(TRUTH[kind])] == list(fitter.halo.param_names)
    assert result.n_free == len(TRUTH[kind]) + 3  # + Y_disk, D, i (no bulge in NGC2403)
    assert 0.5 < result.reduced_chi2 < 1.6
    for name, true, value, error in zip(result.param_names, TRUTH[kind], result.values, result.errors):
        assert np.isfinite(error) and error > 0, name
        assert abs(value - true) < 3.5 * error, f"{name}: {value:.3f} +- {error:.3f}, true {true}"
    # Information criteria from chi2 at the optimum and the parameter count.
    assert result.aic == pytest.approx(result.chi2 + 2 * result.n_free)
    assert result.bic == pytest.approx(result.chi2 + result.n_free * math.log(73))
    # Re-adopting the best parameters reproduces chi2 (what the figures rely on).
    again = RotationCurveFit(make_halo(kind, templates=templates)).use_parameters(galaxy, result.params())
    assert again.result_.chi2 == pytest.approx(result.chi2, rel=1e-9)


def test_fixed_nuisance_setting_and_bound_flag(real_galaxy):
    fixed = PriorSettings(free_upsilon=False, free_distance=False, free_inclination=False)
    fitter = RotationCurveFit(make_halo("burkert"), fixed)
    galaxy = synthetic(real_galaxy, RotationCurveFit(make_halo("burkert"), fixed), TRUTH["burkert"])
    result = fitter.fit(galaxy).result_
    assert result.param_names == ["log10_rc_kpc", "log10_rho0_msun_kpc3"]
    assert result.at_bound == [] and not result.halo_at_bound
    # A core radius forced below the truth ends at its bound and is flagged.
    narrow = RotationCurveFit(make_halo("burkert", bounds={"log10_rc_kpc": (-1.0, 0.2)}), fixed).fit(galaxy).result_
    assert narrow.at_bound == ["log10_rc_kpc"] and narrow.halo_at_bound
    assert "at bound" in narrow.message
    # Nothing free at all: evaluated, not optimised.
    none = RotationCurveFit(make_halo("baryons"), fixed).fit(galaxy).result_
    assert none.n_free == 0 and none.converged and none.chi2 > 0


def test_reduced_chi2_undefined_without_degrees_of_freedom(templates, real_galaxy):
    short = real_galaxy.curve.data.iloc[:5].reset_index(drop=True)
    curve = type(real_galaxy.curve)("short", real_galaxy.distance_mpc, short)
    galaxy = Galaxy("short", curve, real_galaxy.distance_mpc, real_galaxy.distance_err_mpc,
                    real_galaxy.inclination_deg, real_galaxy.inclination_err_deg)
    result = RotationCurveFit(make_halo("darkexp", templates=templates),
                              optimiser=OptimiserSettings(n_starts=2)).fit(galaxy).result_
    assert result.n_free == 6 and result.n_points == 5
    assert math.isnan(result.reduced_chi2)


def test_predict_is_in_the_published_frame(real_galaxy):
    fitter = RotationCurveFit(make_halo("nfw"))
    values = {"log10_v200_kms": 2.0, "log10_c200": 1.0, "log10_upsilon_disk": math.log10(0.5),
              "distance_mpc": real_galaxy.distance_mpc * 1.2, "inclination_deg": 50.0}
    frame = fitter.use_parameters(real_galaxy, values).predict()
    assert frame["radius_kpc"].to_numpy() == pytest.approx(real_galaxy.curve.radius_kpc)
    assert frame["vobs_kms"].to_numpy() == pytest.approx(real_galaxy.curve.vobs_kms)
    # Model velocities are projected back with sin(i')/sin(i): at i' = 50 deg they shrink.
    projection = math.sin(math.radians(50.0)) / math.sin(math.radians(real_galaxy.inclination_deg))
    halo = make_halo("nfw").velocity_kms(real_galaxy.curve.radius_kpc * 1.2, np.array([2.0, 1.0]))
    assert frame["vhalo_kms"].to_numpy() == pytest.approx(halo * projection)
    smooth = fitter.predict(np.array([1.0, 5.0]))
    assert smooth["vmodel_kms"].notna().all()


@pytest.mark.parametrize("kind", ["baryons", "burkert"])
def test_a_fit_at_the_penalty_is_failed_not_a_finite_chi2(real_galaxy, kind):
    """Inclination 0 makes every model undefined (the objective's penalty): no chi2, a failed fit."""
    edge_on = Galaxy(real_galaxy.name, real_galaxy.curve, real_galaxy.distance_mpc, real_galaxy.distance_err_mpc,
                     0.0, real_galaxy.inclination_err_deg)
    fixed = PriorSettings(free_upsilon=False, free_distance=False, free_inclination=False)
    result = RotationCurveFit(make_halo(kind), fixed, OptimiserSettings(popsize=5, maxiter=5, n_starts=1)).fit(
        edge_on).result_
    assert math.isnan(result.chi2) and not result.converged and "undefined" in result.message


def test_differential_evolution_side_by_side_finds_each_problems_minimum():
    """Independent problems searched side by side: each finds its own global minimum of a multimodal
    function, and a problem's result does not depend on the problems beside it."""
    centres = np.array([[0.2, 0.7, 0.4], [0.8, 0.1, 0.5], [0.3, 0.3, 0.9]])

    def objective(unit, active):  # Rastrigin-like: many local minima, the global one at each problem's centre
        z = 8.0 * (unit - centres[active, None, :])
        return np.sum(z**2 + 10.0 * (1.0 - np.cos(2.0 * np.pi * z)), axis=2)

    settings = OptimiserSettings(popsize=15, maxiter=300, tol=1e-6)
    points, values, generations = differential_evolution(
        objective, 3, [np.random.default_rng([0, k]) for k in range(3)], settings)
    np.testing.assert_allclose(points, centres, atol=1e-3)
    assert np.all(values < 1e-3) and np.all((generations > 10) & (generations < settings.maxiter))

    def second_alone(unit, active):
        return objective(unit, active + 1)

    alone = differential_evolution(second_alone, 3, [np.random.default_rng([0, 1])], settings)
    np.testing.assert_array_equal(alone[0][0], points[1])
    assert alone[2][0] == generations[1]


def test_map_searches_side_by_side_equal_each_galaxys_own(sparc_table):
    """A chunk's galaxies searched together get the global and local optima each gets alone (chunking
    changes nothing), with and without a bulge (two parameter sets)."""
    fitter = RotationCurveFit(make_halo("nfw"), PriorSettings(), OptimiserSettings(popsize=10, maxiter=60, n_starts=3))
    galaxies = [load_galaxy(SNAPSHOT, sparc_table, name) for name in ("DDO154", "NGC2403", "UGC00128", "NGC2841")]
    together = fitter.map_searches(galaxies)
    assert len({len(search.optimum.x) for search in together.values()}) == 2
    for galaxy in galaxies:
        alone = fitter.map_searches([galaxy])[galaxy.name]
        mine = together[galaxy.name]
        np.testing.assert_array_equal(mine.optimum.x, alone.optimum.x)
        assert mine.optimum.value == alone.optimum.value
        assert len(mine.local) == 3
        for local, local_alone in zip(mine.local, alone.local):
            np.testing.assert_array_equal(local.x, local_alone.x)
            assert (local.fun, local.nit, local.message) == (local_alone.fun, local_alone.nit, local_alone.message)


def test_l_bfgs_b_side_by_side_equals_scipy_minimize_of_each_start():
    """Every problem of the lockstep L-BFGS-B takes scipy's own iterates: same point, value, iteration
    and evaluation counts and message as ``minimize(method="L-BFGS-B")`` from its start."""
    rng = np.random.default_rng(1)
    starts = rng.uniform(-2.0, 2.0, (12, 4))
    low, high = np.full_like(starts, -1.5), np.full_like(starts, 1.8)
    high[0] = -1.0  # one problem ends at a bound

    def value_and_gradient(x):  # Rosenbrock plus ripples: several local minima
        return rosen(x) + np.sin(3.0 * x).sum(), rosen_der(x) + 3.0 * np.cos(3.0 * x)

    calls = []

    def evaluate(active, x):
        calls.append(len(active))
        values, gradients = zip(*(value_and_gradient(point) for point in x))
        return np.array(values), np.array(gradients)

    results = l_bfgs_b(evaluate, starts, low, high)
    for start, lo, hi, result in zip(starts, low, high, results):
        expected = minimize(value_and_gradient, start, jac=True, method="L-BFGS-B", bounds=list(zip(lo, hi)),
                            options={"maxiter": 1000, "ftol": 1e-12, "gtol": 1e-6})
        np.testing.assert_array_equal(result.x, expected.x)
        assert (result.fun, result.success, result.nit, result.nfev, result.message) == (
            expected.fun, expected.success, expected.nit, expected.nfev, expected.message)
    assert np.any(results[0].x == -1.0)
    assert len(calls) == max(result.nfev for result in results) and sum(calls) == sum(r.nfev for r in results)
