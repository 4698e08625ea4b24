"""Posterior sampling of a rotation-curve fit with emcee's ensemble sampler, started at the MAP.

The log-posterior is the fit's own, -(chi^2 + prior penalties) / 2 inside the parameter bounds
(flat halo priors, the nuisance priors' +-N sigma ranges) and -inf outside; it is evaluated for all
walkers in one vectorised call. The sampler moves the walkers by differential evolution
(:class:`VectorisedDEMove`, emcee's ``DEMove`` with the red-blue update done in array operations):
on these posteriors it halves the autocorrelation time of the stretch move, and the array form
costs a third less per step than emcee's own moves. The galaxies of a fit job are sampled side by
side (:func:`sample_posteriors`): one call evaluates the walkers of all of them, which spreads the
fixed cost of a step, while each galaxy keeps its own ensemble, random generator and convergence
test.

The chain runs in blocks of ``check_every`` steps until it is ``tau_multiple`` integrated
autocorrelation times long and the estimate of the time changed by less than ``tau_change`` over
the last ``stability_steps`` steps (the convergence test of emcee's documentation), or until
``max_steps``. A chain that has run ``hopeless_after`` x ``max_steps`` steps and whose estimate
already needs more than ``max_steps`` for ``tau_multiple`` times stops there: it cannot pass the
test. Then 2 tau are discarded as burn-in and the rest is thinned to at most ``keep_samples``
samples. A chain that did not pass the test or accepts almost nothing is flagged as not converged.

A parameter whose posterior piles up at an edge of its prior range is reported as a one-sided
95 % limit: an upper limit when the 2.5th percentile lies within ``edge_fraction`` of the range
from the lower bound, a lower limit at the upper bound.
"""

from __future__ import annotations

import logging
import math
import time
import zlib
from dataclasses import dataclass

import emcee
import numpy as np
import scipy.fft

from physbench.sparc.fitting import FitResult, Galaxy, RotationCurveFit

log = logging.getLogger(__name__)

PERCENTILES = (2.5, 5.0, 16.0, 50.0, 84.0, 95.0, 97.5)


class VectorisedDEMove(emcee.moves.Move):
    """Differential-evolution move (ter Braak 2006; Nelson et al. 2013), as emcee's ``DEMove``, for
    independent ensembles side by side (walkers of ensemble g in rows g W ... g W + W - 1), each
    drawing from its own random generator.

    Each ensemble is split at random into two halves; each walker of one half proposes
    x + gamma (x_a - x_b) with x_a != x_b drawn from the other half of its own ensemble and
    gamma = 2.38 / sqrt(2 ndim) (1 + sigma N(0, 1)), and is accepted with the Metropolis ratio; then
    the other half moves. emcee's ``DEMove`` does the same through per-walker Python loops (pairs,
    acceptance), which cost more than the vectorised log-posterior of a rotation curve; here each
    half-step is a few array operations for all ensembles, an ensemble's random numbers of a whole
    step come from two draws, and the log-posterior is called directly: it returns finite values or
    -inf for finite parameters, so emcee's per-walker checks of its values (``compute_log_prob``)
    are skipped. With one generator per ensemble, an ensemble's chain does not depend on the
    ensembles beside it.
    """

    def __init__(self, generators: list[np.random.Generator], sigma: float = 1.0e-5):
        self.generators = generators
        self.sigma = sigma

    def propose(self, model, state):
        n_total, n_dim = state.coords.shape
        n_ensembles = len(self.generators)
        n_walkers = n_total // n_ensembles
        coords = state.coords.reshape(n_ensembles, n_walkers, n_dim)
        log_prob = state.log_prob.reshape(n_ensembles, n_walkers)
        uniform = np.empty((n_ensembles, 4, n_walkers))
        jitter = np.empty((n_ensembles, n_walkers, 1))
        for g, generator in enumerate(self.generators):
            generator.random(out=uniform[g])
            generator.standard_normal(out=jitter[g])
        order = np.argsort(uniform[:, 3], axis=1)  # a random permutation per ensemble
        gamma = (2.38 / math.sqrt(2.0 * n_dim)) * (1.0 + self.sigma * jitter)
        split = n_walkers // 2
        rows = np.arange(n_ensembles)[:, None]
        accepted = np.zeros((n_ensembles, n_walkers), dtype=bool)
        for moving, other, draws in ((order[:, :split], order[:, split:], slice(0, split)),
                                     (order[:, split:], order[:, :split], slice(split, n_walkers))):
            n_other = other.shape[1]
            first = (uniform[:, 0, draws] * n_other).astype(np.intp)
            second = (first + 1 + (uniform[:, 1, draws] * (n_other - 1)).astype(np.intp)) % n_other  # never == first
            current = coords[rows, moving]
            difference = coords[rows, other[rows, first]] - coords[rows, other[rows, second]]
            proposal = current + gamma[:, draws] * difference
            proposed = np.asarray(model.log_prob_fn(proposal.reshape(-1, n_dim)), dtype=float).reshape(moving.shape)
            current_log_prob = log_prob[rows, moving]
            take = proposed - current_log_prob > np.log(uniform[:, 2, draws])
            coords[rows, moving] = np.where(take[..., None], proposal, current)
            log_prob[rows, moving] = np.where(take, proposed, current_log_prob)
            accepted[rows, moving] = take
        state.coords = coords.reshape(n_total, n_dim)
        state.log_prob = log_prob.reshape(n_total)
        return state, accepted.reshape(n_total)


@dataclass(frozen=True)
class SamplerSettings:
    """Ensemble size, chain length and convergence test (a config ``posterior`` entry)."""

    sample: bool = True
    n_walkers: int = 32  # raised to 2 x parameters + 2 where that is larger
    check_every: int = 250
    max_steps: int = 10_000
    tau_multiple: float = 50.0
    tau_change: float = 0.05
    stability_steps: int = 500  # a multiple of check_every
    hopeless_after: float = 0.5  # 1: every chain that does not converge runs max_steps
    min_acceptance: float = 0.05
    keep_samples: int = 400
    init_scale: float = 1e-3  # walkers start in a Gaussian ball of this fraction of each bound range
    edge_fraction: float = 0.01
    seed: int = 0

    def __post_init__(self):
        if self.stability_steps % self.check_every:
            raise ValueError(f"posterior: stability_steps ({self.stability_steps}) must be a multiple of "
                             f"check_every ({self.check_every})")


@dataclass
class Posterior:
    """Thinned samples and diagnostics of one (galaxy, model, setting) posterior."""

    param_names: list[str]
    samples: np.ndarray  # (n_samples, n_params)
    log_posterior: np.ndarray  # (n_samples,)
    tau_steps: np.ndarray  # integrated autocorrelation time per parameter, in steps
    acceptance: float
    n_walkers: int
    n_steps: int
    burn_in: int
    thin: int
    converged: bool
    seconds: float
    message: str
    limits: dict[str, str]  # parameter -> "upper" (piles at the lower edge) or "lower"

    @property
    def effective_samples(self) -> float:
        """Effective sample size of the worst-mixed parameter: walkers x kept steps / tau."""
        return self.n_walkers * (self.n_steps - self.burn_in) / float(np.max(self.tau_steps))

    def percentiles(self) -> dict[str, dict[float, float]]:
        values = np.percentile(self.samples, PERCENTILES, axis=0)
        return {name: dict(zip(PERCENTILES, values[:, i].tolist())) for i, name in enumerate(self.param_names)}


def integrated_time(chain: np.ndarray, c: float = 5.0) -> np.ndarray:
    """Integrated autocorrelation time per parameter of a chain of shape (steps, walkers, P), in steps.

    emcee's estimator (``emcee.autocorr.integrated_time`` with ``tol=0``: the walkers' normalised
    autocorrelation functions averaged, summed up to Sokal's automatic window of ``c`` tau), with
    the forward FFTs of all walkers and parameters in one call, in single precision (the deviations
    from the mean are taken in double), zero padding to the next fast length instead of the next
    power of two, and the average over walkers taken before the inverse FFT (which is linear): one
    inverse FFT per parameter instead of one per walker and parameter. The same estimate to about
    1e-5 relative, at half the cost of the same FFTs in double precision and a fifth of emcee's.
    """
    n_steps, n_walkers, n_params = chain.shape
    # Deviations from the mean in float64, stored in single precision, (walkers, P, steps) in one pass.
    series = np.empty((n_walkers, n_params, n_steps), dtype=np.float32)
    np.subtract(chain.transpose(1, 2, 0), chain.mean(axis=0)[..., None], out=series, casting="same_kind")
    size = scipy.fft.next_fast_len(2 * n_steps - 1, real=True)  # zero padding: no circular wrap-around
    spectrum = scipy.fft.rfft(series, n=size, axis=-1)
    power = spectrum.real**2 + spectrum.imag**2
    # Each walker's autocovariance at lag 0 normalises its function; the mean over walkers commutes
    # with the inverse FFT.
    lag_zero = np.einsum("wpt,wpt->wp", series, series, dtype=np.float64)
    acf = scipy.fft.irfft(np.einsum("wpf,wp->pf", power, 1.0 / lag_zero), n=size, axis=-1)[:, :n_steps] / n_walkers
    taus = (2.0 * np.cumsum(acf, axis=-1) - 1.0).T  # (steps, P)
    windows = [emcee.autocorr.auto_window(taus[:, d], c) for d in range(n_params)]
    return taus[windows, np.arange(n_params)]


def _edge_limits(samples: np.ndarray, names: list[str], bounds: list[tuple[float, float]],
                 edge_fraction: float) -> dict[str, str]:
    low_tail, high_tail = np.percentile(samples, [2.5, 97.5], axis=0)
    limits = {}
    for name, lo, hi, (low, high) in zip(names, low_tail, high_tail, bounds):
        margin = edge_fraction * (high - low)
        if lo - low < margin:
            limits[name] = "upper"
        elif high - hi < margin:
            limits[name] = "lower"
    return limits


def sample_posterior(fit: RotationCurveFit, settings: SamplerSettings | None = None) -> Posterior:
    """Sample the posterior of a fitted :class:`RotationCurveFit` (``fit.result_`` is the MAP)."""
    return sample_posteriors(fit, [(fit.galaxy_, fit.result_)], settings)[0]


def sample_posteriors(fit: RotationCurveFit, fits: list[tuple[Galaxy, FitResult]],
                      settings: SamplerSettings | None = None) -> list[Posterior]:
    """Sample the posteriors of MAP fits of ``fit``'s model to several galaxies, side by side.

    Galaxies with the same free parameters are sampled together: each has its own ensemble and
    convergence test, and one call of the log-posterior evaluates the walkers of all galaxies still
    sampling. That spreads the fixed cost of a step over many galaxies. Each galaxy draws from its
    own random generator, seeded by ``settings.seed`` and its name, so its chain does not depend on
    the galaxies beside it.
    """
    settings = settings or SamplerSettings()
    for _, result in fits:
        if not result.param_names:
            raise ValueError(f"{result.galaxy} / {result.model}: no free parameter to sample")
        if not math.isfinite(result.neg2_log_posterior):
            raise ValueError(f"{result.galaxy} / {result.model}: the MAP fit failed, nothing to start from")
    stacks: dict[tuple, list[int]] = {}
    for i, (_, result) in enumerate(fits):
        stacks.setdefault(tuple(result.param_names), []).append(i)
    posteriors: list[Posterior | None] = [None] * len(fits)
    for members in stacks.values():
        for i, posterior in zip(members, _sample_stack(fit, [fits[i] for i in members], settings)):
            posteriors[i] = posterior
    return posteriors


def _sample_stack(fit: RotationCurveFit, fits: list[tuple[Galaxy, FitResult]],
                  settings: SamplerSettings) -> list[Posterior]:
    """Ensembles of galaxies with the same parameters, run in blocks until each has converged.

    A block's time is shared equally by the galaxies sampled in it (each galaxy's ``seconds``).
    """
    galaxies = [galaxy for galaxy, _ in fits]
    results = [result for _, result in fits]
    names = list(results[0].param_names)
    n_galaxies, n_params = len(fits), len(names)
    n_walkers = max(settings.n_walkers, 2 * n_params + 2)
    bounds = np.array([result.bounds for result in results], dtype=float)  # (G, P, 2)
    low, high = bounds[..., 0], bounds[..., 1]
    span = (high - low)[:, None, :]
    # Each galaxy's own random generator, from the seed and its name: its chain does not depend on
    # the galaxies sampled beside it, hence not on the chunking.
    generators = [np.random.default_rng([settings.seed, zlib.crc32(galaxy.name.encode())]) for galaxy in galaxies]
    coords = np.array([result.values for result in results])[:, None, :] + settings.init_scale * span * np.stack(
        [generator.standard_normal((n_walkers, n_params)) for generator in generators])
    coords = np.clip(coords, low[:, None, :] + 1e-6 * span, high[:, None, :] - 1e-6 * span).reshape(-1, n_params)
    log_prob = None
    chains, log_probs = [[] for _ in fits], [[] for _ in fits]
    accepted, seconds = np.zeros(n_galaxies), np.zeros(n_galaxies)
    tau = np.zeros((n_galaxies, n_params))
    estimates = [[] for _ in fits]  # the longest tau at each check
    lag = settings.stability_steps // settings.check_every  # checks back to the estimate compared with
    converged = np.zeros(n_galaxies, dtype=bool)
    posteriors: list[Posterior | None] = [None] * n_galaxies

    def summarise(i):  # a finished chain is summarised at once and its full chain freed
        posteriors[i] = _summarise(np.concatenate(chains[i]), np.concatenate(log_probs[i]), tau[i], accepted[i],
                                   converged[i], seconds[i], names, results[i].bounds, settings)
        chains[i] = log_probs[i] = None

    active, steps = list(range(n_galaxies)), 0
    log_posterior, stacked = None, None
    while active and steps < settings.max_steps:
        block_start = time.perf_counter()
        n_steps, n_active = min(settings.check_every, settings.max_steps - steps), len(active)
        if stacked != active:  # the stack of the galaxies still sampling, rebuilt when one dropped out
            log_posterior, stacked = fit.log_posterior_function([galaxies[i] for i in active]), active
        sampler = emcee.EnsembleSampler(n_active * n_walkers, n_params, log_posterior, vectorize=True,
                                        moves=VectorisedDEMove([generators[i] for i in active]))
        state = sampler.run_mcmc(emcee.State(coords, log_prob=log_prob), n_steps,
                                 skip_initial_state_check=steps > 0)
        steps += n_steps
        chain = sampler.get_chain().reshape(n_steps, n_active, n_walkers, n_params)
        block_log_prob = sampler.get_log_prob().reshape(n_steps, n_active, n_walkers)
        block_accepted = sampler.backend.accepted.reshape(n_active, n_walkers).sum(axis=1)
        share = (time.perf_counter() - block_start) / n_active
        running = []
        for k, i in enumerate(active):
            chains[i].append(chain[:, k].copy())  # copies: a view would keep the whole block alive
            log_probs[i].append(block_log_prob[:, k].copy())
            accepted[i] += block_accepted[k]
            seconds[i] += share
            tau[i] = integrated_time(np.concatenate(chains[i]))
            longest = float(np.max(tau[i]))
            estimates[i].append(longest)
            earlier = estimates[i][-1 - lag] if len(estimates[i]) > lag else math.inf
            needed = settings.tau_multiple * longest
            converged[i] = steps >= needed and abs(earlier - longest) < settings.tau_change * longest
            hopeless = steps >= settings.hopeless_after * settings.max_steps and needed > settings.max_steps
            if converged[i] or hopeless:
                summarise(i)
            else:
                running.append(k)
        coords = state.coords.reshape(n_active, n_walkers, n_params)[running].reshape(-1, n_params)
        log_prob = state.log_prob.reshape(n_active, n_walkers)[running].reshape(-1)
        active = [active[k] for k in running]
        log.info("%s posteriors: %d steps, %d of %d chains still running", fit.model_name, steps, len(active),
                 n_galaxies)
    for i in active:  # ran max_steps
        summarise(i)
    return posteriors


def _summarise(chain: np.ndarray, log_prob: np.ndarray, tau: np.ndarray, accepted: float, converged: bool,
               seconds: float, names: list[str], bounds: list[tuple[float, float]],
               settings: SamplerSettings) -> Posterior:
    """Burn-in, thinning, diagnostics and limits of one chain of shape (steps, walkers, P)."""
    n_steps, n_walkers, n_params = chain.shape
    longest = float(np.max(tau))
    acceptance = accepted / (n_steps * n_walkers)
    burn_in = min(int(math.ceil(2.0 * longest)), n_steps // 2)
    kept_steps = n_steps - burn_in
    thin = max(1, int(math.ceil(kept_steps * n_walkers / settings.keep_samples)))
    # Thin along the walkers' flattened chain so that every walker contributes.
    samples = chain[burn_in:].reshape(-1, n_params)[::thin]
    log_prob = log_prob[burn_in:].reshape(-1)[::thin]
    problems = []
    if not converged:
        stopped = (f"; stopped: {settings.tau_multiple:g} tau exceed max_steps {settings.max_steps}"
                   if n_steps < settings.max_steps else "")
        problems.append(f"not converged after {n_steps} steps: chain is "
                        f"{n_steps / longest:.0f} tau long (tau = {longest:.0f} steps){stopped}")
    if acceptance < settings.min_acceptance:
        problems.append(f"acceptance fraction {acceptance:.3f} < {settings.min_acceptance}")
    return Posterior(names, samples, log_prob, tau, acceptance, n_walkers, n_steps, burn_in, thin, not problems,
                     seconds, "; ".join(problems), _edge_limits(samples, names, bounds, settings.edge_fraction))
