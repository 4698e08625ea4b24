"""Posterior sampling: converged chains, limits at prior edges, and calibrated 68 % intervals."""

from __future__ import annotations

import dataclasses
import math

import emcee
import numpy as np
import pytest

from physbench.sparc.darkexp import DarkexpTemplates, TemplateSettings, build_template_table
from physbench.sparc.data import read_rotmod, rotmod_path
from physbench.sparc.fitting import Galaxy, OptimiserSettings, PriorSettings, RotationCurveFit
from physbench.sparc.halos import make_halo
from physbench.sparc.posterior import (
    SamplerSettings,
    VectorisedDEMove,
    integrated_time,
    sample_posterior,
    sample_posteriors,
)
from physbench.sparc.steps import load_galaxy

from .test_fitting import SNAPSHOT, synthetic

QUICK_OPTIMISER = OptimiserSettings(popsize=10, maxiter=100, n_starts=2)
# Halo parameters of the coverage test are drawn uniformly from these boxes (inside the flat priors).
TRUTH_BOXES = {
    "nfw": [(1.8, 2.2), (0.8, 1.2)],
    "burkert": [(0.3, 0.9), (7.0, 7.6)],
    "darkexp": [(2.5, 5.5), (0.6, 1.0), (1.9, 2.2)],
}
COVERAGE_GALAXIES = 20


@pytest.fixture(scope="module")
def darkexp_templates():
    settings = TemplateSettings(phi0_min=2.0, phi0_max=6.0, phi0_step=0.5, n_radial=600, tol=1e-8)
    return DarkexpTemplates(build_template_table(settings))


def load(table, name: str) -> Galaxy:
    return load_galaxy(SNAPSHOT, table, name)


def test_vectorised_de_move_samples_a_correlated_gaussian():
    """The move leaves the target invariant: mean and covariance of a correlated 3-d Gaussian come back."""
    covariance = np.array([[1.0, 0.9, 0.0], [0.9, 1.0, 0.3], [0.0, 0.3, 4.0]])
    precision = np.linalg.inv(covariance)
    mean = np.array([1.0, -2.0, 0.5])

    def log_prob(x):
        d = x - mean
        return -0.5 * np.einsum("si,ij,sj->s", d, precision, d)

    sampler = emcee.EnsembleSampler(32, 3, log_prob, vectorize=True, moves=VectorisedDEMove([np.random.default_rng(1)]))
    sampler.run_mcmc(mean + 1e-3 * np.random.default_rng(1).standard_normal((32, 3)), 6000)
    tau = sampler.get_autocorr_time()  # raises when the chain is shorter than 50 tau
    samples = sampler.get_chain(discard=int(5 * tau.max()), flat=True)
    assert 0.15 < np.mean(sampler.acceptance_fraction) < 0.5
    np.testing.assert_allclose(samples.mean(axis=0), mean, atol=0.1)
    scale = np.sqrt(np.outer(np.diag(covariance), np.diag(covariance)))
    np.testing.assert_allclose(np.cov(samples.T) / scale, covariance / scale, atol=0.1)


def test_posterior_of_a_synthetic_galaxy_converges_around_the_truth(sparc_table):
    fitter = RotationCurveFit(make_halo("nfw"), PriorSettings(), QUICK_OPTIMISER)
    galaxy = synthetic(load(sparc_table, "NGC2403"), fitter, [2.05, 1.0])
    fitter.fit(galaxy)
    posterior = sample_posterior(fitter, SamplerSettings(max_steps=6000))
    assert posterior.converged, posterior.message
    assert posterior.n_steps >= 50 * posterior.tau_steps.max()
    assert 0.1 < posterior.acceptance < 0.8
    assert posterior.effective_samples > 500
    assert posterior.samples.shape == (len(posterior.log_posterior), 5)
    assert 350 <= len(posterior.samples) <= 400
    assert posterior.limits == {}
    spread = posterior.percentiles()
    for name, true in (("log10_v200_kms", 2.05), ("log10_c200", 1.0)):
        width = spread[name][84.0] - spread[name][16.0]
        assert 0 < width < 0.2, name
        assert abs(spread[name][50.0] - true) < 3 * width, name
    # The MAP lies inside the bulk of the posterior.
    for name, value in fitter.result_.params().items():
        assert spread[name][2.5] <= value <= spread[name][97.5], name


def test_a_parameter_piling_up_at_its_prior_edge_is_a_limit(sparc_table):
    """NFW with c200 forced against its lower bound: reported as an upper limit, not a value."""
    halo = make_halo("nfw", bounds={"log10_c200": (0.9, 2.5)})
    fitter = RotationCurveFit(halo, PriorSettings(), QUICK_OPTIMISER)
    galaxy = synthetic(load(sparc_table, "NGC2403"), RotationCurveFit(make_halo("nfw")), [2.05, 0.5])
    fitter.fit(galaxy)
    assert "log10_c200" in fitter.result_.at_bound
    posterior = sample_posterior(fitter, SamplerSettings(max_steps=3000))
    assert posterior.limits.get("log10_c200") == "upper"


def test_a_chain_that_cannot_converge_stops_early_and_is_flagged(sparc_table):
    """A chain whose tau_multiple tau exceed max_steps stops at hopeless_after x max_steps, not converged."""
    fitter = RotationCurveFit(make_halo("nfw"), PriorSettings(), QUICK_OPTIMISER)
    fitter.fit(synthetic(load(sparc_table, "NGC2403"), fitter, [2.05, 1.0]))
    strict = SamplerSettings(max_steps=2000, tau_multiple=1000.0)
    stopped = sample_posterior(fitter, strict)
    assert (stopped.n_steps, stopped.converged) == (1000, False)
    assert "stopped: 1000 tau exceed max_steps 2000" in stopped.message
    full = sample_posterior(fitter, dataclasses.replace(strict, hopeless_after=1.0))
    assert (full.n_steps, full.converged) == (2000, False) and "stopped" not in full.message
    with pytest.raises(ValueError, match="stability_steps .* multiple of check_every"):
        SamplerSettings(check_every=300, stability_steps=500)


def test_failed_map_is_not_sampled(sparc_table):
    fitter = RotationCurveFit(make_halo("nfw"), PriorSettings(), QUICK_OPTIMISER)
    galaxy = load(sparc_table, "DDO154")
    fitter.fit(galaxy)
    fitter.result_.neg2_log_posterior = math.nan
    with pytest.raises(ValueError, match="MAP fit failed"):
        sample_posterior(fitter)


def draw_galaxy(template: Galaxy, fitter: RotationCurveFit, halo_truth: list[float],
                rng: np.random.Generator) -> tuple[Galaxy, dict[str, float]]:
    """A synthetic galaxy on the template's radii and errors; nuisance parameters drawn from their priors."""
    names, bounds, means, sigmas = fitter._layout(template)
    truth = dict(zip(names, halo_truth))
    for name, (low, high), mean, sigma in zip(names, bounds, means, sigmas):
        if name not in truth:
            truth[name] = float(np.clip(rng.normal(mean, sigma), low, high))
    model = fitter.use_parameters(template, truth).predict()["vmodel_kms"].to_numpy()
    data = template.curve.data.copy()
    data["vobs_kms"] = model + rng.normal(0.0, data["verr_kms"].to_numpy())
    curve = type(template.curve)(template.name, template.distance_mpc, data)
    return dataclasses.replace(template, curve=curve), truth


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(TRUTH_BOXES))
def test_68_percent_intervals_cover_the_truth_about_68_percent_of_the_time(kind, sparc_table, darkexp_templates):
    """About 20 synthetic galaxies on SPARC radii and errors, truths drawn from the priors."""
    rng = np.random.default_rng(2020)
    candidates = [name for name in sparc_table.index
                  if 12 <= len(read_rotmod(rotmod_path(SNAPSHOT, name), name)) <= 40]
    templates = rng.choice(candidates, COVERAGE_GALAXIES, replace=False)
    halo = make_halo(kind, templates=darkexp_templates if kind == "darkexp" else None)
    covered = total = 0
    for name in templates:
        fitter = RotationCurveFit(halo, PriorSettings(), QUICK_OPTIMISER)
        truth_halo = [rng.uniform(low, high) for low, high in TRUTH_BOXES[kind]]
        galaxy, truth = draw_galaxy(load(sparc_table, name), fitter, truth_halo, rng)
        fitter.fit(galaxy)
        posterior = sample_posterior(fitter, SamplerSettings(max_steps=4000, keep_samples=1000))
        for param, spread in posterior.percentiles().items():
            covered += spread[16.0] <= truth[param] <= spread[84.0]
            total += 1
    fraction = covered / total
    print(f"{kind}: {covered} of {total} true values ({fraction:.1%}) inside the 68 % interval")
    assert 0.55 <= fraction <= 0.80, fraction


def test_integrated_time_is_emcees_estimate():
    rng = np.random.default_rng(3)
    chain = 0.1 * np.cumsum(rng.standard_normal((1500, 16, 3)), axis=0) + rng.standard_normal((1500, 16, 3))
    np.testing.assert_allclose(integrated_time(chain), emcee.autocorr.integrated_time(chain, tol=0), rtol=1e-5)


def test_stacked_log_posterior_equals_each_galaxys_own(sparc_table):
    """Galaxies end to end give each galaxy's own ln posterior, inside and outside the bounds."""
    fitter = RotationCurveFit(make_halo("nfw"), PriorSettings(free_upsilon=True), QUICK_OPTIMISER)
    galaxies = [load(sparc_table, name) for name in ("DDO154", "NGC2403", "UGC00128")]
    rng = np.random.default_rng(0)
    theta = np.stack([fitter.fit(galaxy).result_.values for galaxy in galaxies])[:, None, :]
    theta = theta + 0.02 * rng.standard_normal((3, 5, theta.shape[2]))
    theta[1, 2, 0] = 10.0  # outside the V200 bounds
    stacked = fitter.log_posterior_function(galaxies)(theta.reshape(-1, theta.shape[2])).reshape(3, 5)
    for galaxy, sets, values in zip(galaxies, theta, stacked):
        np.testing.assert_allclose(values, fitter.log_posterior_function([galaxy])(sets), rtol=1e-12)
    assert stacked[1, 2] == -np.inf and np.isfinite(np.delete(stacked.ravel(), 7)).all()


def test_posteriors_sampled_side_by_side_each_find_their_own_truth(sparc_table):
    """Three synthetic galaxies sampled together: each chain converges around its own halo."""
    fitter = RotationCurveFit(make_halo("nfw"), PriorSettings(), QUICK_OPTIMISER)
    truths = {"NGC2403": [2.05, 1.0], "NGC3198": [2.2, 0.8], "UGC00128": [1.9, 1.2]}
    fits = []
    for name, truth in truths.items():
        galaxy = synthetic(load(sparc_table, name), fitter, truth)
        fits.append((galaxy, fitter.fit(galaxy).result_))
    posteriors = sample_posteriors(fitter, fits, SamplerSettings(max_steps=10000))
    for (galaxy, _), posterior in zip(fits, posteriors):
        assert posterior.converged, (galaxy.name, posterior.message)
        spread = posterior.percentiles()
        for param, true in zip(("log10_v200_kms", "log10_c200"), truths[galaxy.name]):
            width = spread[param][84.0] - spread[param][16.0]
            assert abs(spread[param][50.0] - true) < 3 * width, (galaxy.name, param)
    # A galaxy's chain is its own: the same beside other galaxies (another chunking).
    beside_other = sample_posteriors(fitter, [fits[0], fits[2]], SamplerSettings(max_steps=10000))[0]
    np.testing.assert_array_equal(beside_other.samples, posteriors[0].samples)
