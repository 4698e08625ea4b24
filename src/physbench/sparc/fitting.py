"""Maximum-a-posteriori fits of halo + baryon mass models to one SPARC rotation curve.

Model (velocities in km/s, radii in kpc):

    V_model^2(R') = delta [V_gas|V_gas| + Y_disk V_disk|V_disk| + Y_bul V_bul|V_bul|] + V_halo^2(R'),

with delta = D'/D the distance ratio (R' = R delta; baryonic V^2 scale as delta) and the observed
velocities and errors deprojected for the fitted inclination i', V_obs' = V_obs sin(i)/sin(i').
Priors (Li et al. 2020 style, each switchable): log-normal Y_disk and Y_bul (0.5 and 0.7,
0.1 dex), Gaussian D and i from SPARC Table 1; flat priors inside the halo bounds, or with
``halo_prior: lcdm`` log-normal LambdaCDM priors on halos parameterised by (V200, c200): c200 about
the Dutton & Maccio (2014) c-M relation and the stellar mass Y_disk L[3.6] about the Moster et al.
(2013) stellar-mass-halo-mass relation (:mod:`physbench.sparc.lcdm`).

The fit minimises -2 ln posterior = chi^2 + prior penalties with a seeded differential evolution
(global; :func:`differential_evolution`), then L-BFGS-B (local; :func:`l_bfgs_b`) from the global
optimum and further seeded random starts, each run for many galaxies at once; the best local
optimum is kept. Fits that end within a small fraction of a bound or whose local optimiser reports
failure are flagged, never silently kept. Uncertainties come from the inverse Hessian of
-2 ln posterior at the optimum.
"""

from __future__ import annotations

import logging
import math
import time
import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import OptimizeResult, _lbfgsb
from scipy.optimize._lbfgsb_py import status_messages, task_messages
from scipy.stats import qmc

from physbench.sparc import lcdm
from physbench.sparc.data import RotationCurve
from physbench.sparc.halos import Baryons, HaloModel, m200_msun

log = logging.getLogger(__name__)
HALO_PRIORS = ("flat", "lcdm")
LCDM_PARAMETERS = ("log10_v200_kms", "log10_c200")  # what a halo needs for the LambdaCDM priors
PENALTY = 1e30  # -2 ln posterior where the model is undefined (e.g. distance or inclination 0)
NOT_FINITE = "the model is undefined at every parameter value tried (e.g. distance or inclination 0): no chi2"


@dataclass(frozen=True)
class PriorSettings:
    """Nuisance parameters and their priors (a config ``settings`` entry)."""

    upsilon_disk: float = 0.5
    upsilon_bulge: float = 0.7
    upsilon_sigma_dex: float = 0.1
    free_upsilon: bool = True
    free_distance: bool = True
    free_inclination: bool = True
    # Nuisance bounds: this many prior sigmas either side of the prior mean.
    nuisance_sigmas: float = 5.0
    # "flat" (inside the halo bounds) or "lcdm": the c-M and stellar-mass-halo-mass relations.
    halo_prior: str = "flat"
    concentration_sigma_dex: float = 0.11
    stellar_mass_sigma_dex: float = 0.15

    def __post_init__(self):
        if self.halo_prior not in HALO_PRIORS:
            raise ValueError(f"halo_prior must be one of {HALO_PRIORS}, got {self.halo_prior!r}")


@dataclass(frozen=True)
class OptimiserSettings:
    """Global-then-local optimiser: differential evolution, then L-BFGS-B from ``n_starts`` points.

    The differential evolution is scipy's default strategy (best1bin, mutation dithered in 0.5-1,
    recombination 0.7, Sobol initial population of ``popsize`` x parameters rounded up to a power of
    two, deferred updating), stopped when the population's -2 ln posterior has a standard deviation
    below ``tol`` times its mean or after ``maxiter`` generations.
    """

    popsize: int = 15
    maxiter: int = 300
    tol: float = 1e-5
    n_starts: int = 8
    seed: int = 0
    # A parameter within this fraction of its bound range from a bound counts as at the bound.
    bound_fraction: float = 1e-3


def differential_evolution(objective, n_params: int, generators: list[np.random.Generator], settings: OptimiserSettings,
                           mutation: tuple[float, float] = (0.5, 1.0), recombination: float = 0.7):
    """Differential evolution of independent problems side by side, each in the unit cube [0, 1]^P.

    The algorithm of scipy's ``differential_evolution`` with ``init="sobol"``, ``updating="deferred"``
    and its default strategy (:class:`OptimiserSettings`), for many problems at once: one call of
    ``objective(unit, active)`` returns the values (a, S) of the populations ``unit`` (a, S, P) of the
    problems ``active`` (indices), so the fixed cost of a generation is paid once for all problems,
    not once per problem as with scipy, whose per-member Python work costs more than a rotation
    curve's objective. A problem stops when its population has converged and drops out of the calls.
    Each problem draws from its own generator: its result does not depend on the problems beside it.
    Returns each problem's best point (G, P), value (G,) and number of generations (G,).
    """
    n_problems = len(generators)
    size = 2 ** math.ceil(math.log2(max(5, settings.popsize * n_params)))  # as scipy: Sobol wants a power of 2
    population = np.stack([qmc.Sobol(n_params, seed=generator).random(size) for generator in generators])
    values = objective(population, np.arange(n_problems))
    generations = np.zeros(n_problems, dtype=int)
    members = np.arange(size)
    active = np.arange(n_problems)
    for _ in range(settings.maxiter):
        if not len(active):
            break
        n_active = len(active)
        # Per problem and member: two donor offsets, P crossover draws and P replacements for
        # coordinates that leave the cube; per problem the dithered mutation and the forced crossover.
        uniform = np.empty((n_active, size, 2 * n_params + 2))
        scale = np.empty((n_active, 1, 1))
        forced = np.empty((n_active, size), dtype=np.intp)
        for k, problem in enumerate(active):
            generator = generators[problem]
            scale[k] = generator.uniform(*mutation)
            generator.random(out=uniform[k])
            forced[k] = generator.integers(n_params, size=size)
        rows = np.arange(n_active)[:, None]
        first = (uniform[..., 0] * (size - 1)).astype(np.intp)
        second = (uniform[..., 1] * (size - 2)).astype(np.intp)
        second += second >= first  # two distinct donors, neither the member itself
        current, current_values = population[active], values[active]
        best = current[np.arange(n_active), np.argmin(current_values, axis=1)][:, None, :]
        mutant = best + scale * (current[rows, (members + 1 + first) % size]
                                 - current[rows, (members + 1 + second) % size])
        cross = uniform[..., 2:n_params + 2] < recombination
        cross[rows, members, forced] = True
        trial = np.where(cross, mutant, current)
        trial = np.where((trial < 0.0) | (trial > 1.0), uniform[..., n_params + 2:], trial)
        trial_values = objective(trial, active)
        better = trial_values < current_values
        population[active] = np.where(better[..., None], trial, current)
        values[active] = np.where(better, trial_values, current_values)
        generations[active] += 1
        spread = np.std(values[active], axis=1) <= settings.tol * np.abs(np.mean(values[active], axis=1))
        active = active[~spread]
    best = np.argmin(values, axis=1)
    return population[np.arange(n_problems), best], values[np.arange(n_problems), best], generations


def l_bfgs_b(evaluate, starts: np.ndarray, low: np.ndarray, high: np.ndarray, *, ftol: float = 1e-12,
             gtol: float = 1e-6, maxiter: int = 1000, maxfun: int = 15000, maxls: int = 20,
             memory: int = 10) -> list[OptimizeResult]:
    """L-BFGS-B from many starts side by side: for each row of ``starts`` (K, P), inside its bounds
    ``low`` and ``high`` (K, P), the result of ``scipy.optimize.minimize(method="L-BFGS-B", jac=True)``
    with these options.

    scipy's own driver loop (``scipy.optimize._lbfgsb_py``) around its reverse-communication core
    ``_lbfgsb.setulb``, run for all problems in lockstep: each round advances every problem to its
    next request for a value and gradient, then one call ``evaluate(active, x)`` returns the values
    (A,) and gradients (A, P) at the points ``x`` (A, P) of the problems ``active`` (indices). A
    rotation curve's objective costs less than the fixed cost of a call, so one call per round for
    all problems replaces one per problem and round. Each problem's iterates are its own, the same as
    scipy's for the same values. ``setulb`` is scipy's private API (scipy is pinned): a test compares
    every result with ``minimize``'s, so a scipy release that changes it fails the tests.
    """
    n_problems, n_params = starts.shape
    factr = ftol / np.finfo(float).eps
    bound_kinds = np.full(n_params, 2, dtype=np.int32)  # lower and upper bound
    low, high = np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)
    x = [np.clip(start, lo, hi).astype(np.float64) for start, lo, hi in zip(starts, low, high)]
    f = [np.array(0.0) for _ in range(n_problems)]
    g = [np.zeros(n_params) for _ in range(n_problems)]
    work = [np.zeros(2 * memory * n_params + 5 * n_params + 11 * memory**2 + 8 * memory) for _ in range(n_problems)]
    int_work = [np.zeros(3 * n_params, dtype=np.int32) for _ in range(n_problems)]
    task, line_task, logical_save = ([np.zeros(size, dtype=np.int32) for _ in range(n_problems)] for size in (2, 2, 4))
    int_save = [np.zeros(44, dtype=np.int32) for _ in range(n_problems)]
    float_save = [np.zeros(29) for _ in range(n_problems)]
    iterations = np.zeros(n_problems, dtype=int)
    evaluations = np.zeros(n_problems, dtype=int)  # scipy's count: the first request is its set-up evaluation
    active = list(range(n_problems))
    while active:
        asking = []
        for k in active:
            while True:
                _lbfgsb.setulb(memory, x[k], low[k], high[k], bound_kinds, f[k], g[k], factr, gtol, work[k],
                               int_work[k], task[k], logical_save[k], int_save[k], float_save[k], maxls, line_task[k])
                if task[k][0] == 3:  # FG: wants the value and gradient at x
                    asking.append(k)
                    break
                if task[k][0] != 1:  # not NEW_X: converged or stopped
                    break
                iterations[k] += 1
                if iterations[k] >= maxiter:
                    task[k][:] = 5, 504
                elif evaluations[k] > maxfun:
                    task[k][:] = 5, 502
        if asking:
            values, gradients = evaluate(np.array(asking), np.array([x[k] for k in asking]))
            for k, value, gradient in zip(asking, values, gradients):
                f[k], g[k] = float(value), np.array(gradient, dtype=np.float64)
            evaluations[asking] += 1
        active = asking
    return [OptimizeResult(x=x[k], fun=float(f[k]), success=bool(task[k][0] == 4), status=int(task[k][0]),
                           nit=int(iterations[k]), nfev=int(evaluations[k]),
                           message=f"{status_messages[task[k][0]]}: {task_messages[task[k][1]]}")
            for k in range(n_problems)]


@dataclass
class GlobalOptimum:
    """A galaxy's differential-evolution optimum; the local starts continue with its generator."""

    x: np.ndarray
    value: float
    seconds: float  # its share of the side-by-side search
    generator: np.random.Generator


@dataclass
class MapSearch:
    """A galaxy's global optimum and the local L-BFGS-B searches from it and from random starts."""

    optimum: GlobalOptimum
    local: list[OptimizeResult]
    seconds: float  # its share of the side-by-side searches


@dataclass
class Galaxy:
    """A rotation curve with the Table 1 quantities the priors need."""

    name: str
    curve: RotationCurve
    distance_mpc: float
    distance_err_mpc: float
    inclination_deg: float
    inclination_err_deg: float
    vflat_kms: float = math.nan
    luminosity_1e9lsun: float = math.nan  # L[3.6]
    disk_scale_length_kpc: float = math.nan

    @classmethod
    def from_table(cls, curve: RotationCurve, row: pd.Series) -> Galaxy:
        return cls(curve.name, curve, float(row["distance_mpc"]), float(row["distance_err_mpc"]),
                   float(row["inclination_deg"]), float(row["inclination_err_deg"]), float(row["vflat_kms"]),
                   float(row["luminosity_1e9lsun"]), float(row["r_disk_kpc"]))


def _constants(galaxies: list[Galaxy]) -> dict[str, np.ndarray]:
    """The galaxies' own quantities that the model reads, by name, as (1, G) arrays."""
    inclination_deg = np.array([[g.inclination_deg for g in galaxies]])
    return {"distance_mpc": np.array([[g.distance_mpc for g in galaxies]]), "inclination_deg": inclination_deg,
            "sin_inclination": np.sin(np.radians(inclination_deg)),
            "luminosity_msun": np.array([[g.luminosity_1e9lsun * 1e9 for g in galaxies]]),
            "disk_scale_length_kpc": np.array([[g.disk_scale_length_kpc for g in galaxies]])}


@dataclass(frozen=True)
class GalaxyStack:
    """Galaxies end to end, so that one objective call evaluates parameter sets of all of them.

    ``points``: (1, N) arrays of every galaxy's points (data, V|V| terms); ``galaxies``: (1, G)
    arrays of the galaxy constants; ``offsets``: each galaxy's first point; ``point_galaxy``: each
    point's galaxy. ``bounds`` (G, P, 2); ``means`` and ``sigmas`` (P, G) of the priors (sigma NaN:
    flat).
    """

    names: list[str]
    bounds: np.ndarray
    means: np.ndarray
    sigmas: np.ndarray
    points: dict[str, np.ndarray]
    galaxies: dict[str, np.ndarray]
    offsets: np.ndarray
    point_galaxy: np.ndarray

    @property
    def n_galaxies(self) -> int:
        return len(self.offsets)

    def subset(self, members) -> GalaxyStack:
        """The stack of galaxies ``members`` (indices, in this order; a galaxy may repeat)."""
        members = np.asarray(members, dtype=np.intp)
        sizes = np.diff(np.append(self.offsets, len(self.point_galaxy)))[members]
        # Point k of the subset, the j-th of its member m: offsets[m] + j = k + offsets[m] - (m's first k).
        points = np.repeat(self.offsets[members] - np.cumsum(sizes) + sizes, sizes) + np.arange(sizes.sum())
        return GalaxyStack(self.names, self.bounds[members], self.means[:, members], self.sigmas[:, members],
                           {k: v[:, points] for k, v in self.points.items()},
                           {k: v[:, members] for k, v in self.galaxies.items()},
                           np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp),
                           np.repeat(np.arange(len(members)), sizes))


def _subsets(stack: GalaxyStack):
    """``subset(active)``: the stack of members ``active`` (the problems still searching), rebuilt only
    when they change."""
    cached: dict[tuple[int, ...], GalaxyStack] = {}

    def subset(active: np.ndarray) -> GalaxyStack:
        key = tuple(active.tolist())
        if key not in cached:
            cached.clear()
            cached[key] = stack.subset(active)
        return cached[key]

    return subset


@dataclass
class FitResult:
    """Best fit of one (galaxy, halo model, prior setting)."""

    galaxy: str
    model: str
    param_names: list[str]
    values: np.ndarray
    errors: np.ndarray
    bounds: list[tuple[float, float]]
    chi2: float
    neg2_log_posterior: float
    n_points: int
    converged: bool
    at_bound: list[str]
    fit_seconds: float
    message: str
    derived: dict[str, float] = field(default_factory=dict)
    n_halo: int = 0  # the first n_halo parameters are the halo's

    @property
    def halo_at_bound(self) -> bool:
        """A halo parameter (flat-prior range) ended at a bound; nuisance bounds are priors or physical."""
        return any(name in self.at_bound for name in self.param_names[:self.n_halo])

    @property
    def n_free(self) -> int:
        return len(self.param_names)

    @property
    def dof(self) -> int:
        return self.n_points - self.n_free

    @property
    def reduced_chi2(self) -> float:
        """chi^2 / (N - f), f counting every free parameter (halo and nuisance); NaN when N <= f."""
        return self.chi2 / self.dof if self.dof > 0 else math.nan

    @property
    def aic(self) -> float:
        return self.chi2 + 2.0 * self.n_free

    @property
    def bic(self) -> float:
        return self.chi2 + self.n_free * math.log(self.n_points)

    def params(self) -> dict[str, float]:
        return dict(zip(self.param_names, self.values.tolist()))


class RotationCurveFit:
    """MAP fit of ``halo`` plus baryons to a galaxy; scikit-learn-like ``fit`` / ``predict``."""

    def __init__(self, halo: HaloModel, priors: PriorSettings | None = None,
                 optimiser: OptimiserSettings | None = None, model_name: str | None = None):
        self.halo = halo
        self.priors = priors or PriorSettings()
        self.optimiser = optimiser or OptimiserSettings()
        self.model_name = model_name or halo.name

    # -- parameter layout --------------------------------------------------------------------------
    def _layout(self, galaxy: Galaxy):
        """Names, bounds, prior means and sigmas (NaN: flat) of every free parameter for this galaxy."""
        p = self.priors
        names = list(self.halo.param_names)
        if p.halo_prior == "lcdm" and not set(LCDM_PARAMETERS) <= set(names):
            raise ValueError(f"halo model {self.halo.name!r} has no {LCDM_PARAMETERS} parameters: LambdaCDM priors "
                             "need a halo parameterised by V200 and c200 (list the setting's models)")
        bounds = [self.halo.bounds[k] for k in names]
        means = [math.nan] * len(names)
        sigmas = [math.nan] * len(names)

        def add(name, mean, sigma, low=-math.inf, high=math.inf):
            names.append(name)
            means.append(mean)
            sigmas.append(sigma)
            bounds.append((max(mean - p.nuisance_sigmas * sigma, low), min(mean + p.nuisance_sigmas * sigma, high)))

        if p.free_upsilon:
            add("log10_upsilon_disk", math.log10(p.upsilon_disk), p.upsilon_sigma_dex)
            if galaxy.curve.has_bulge:
                add("log10_upsilon_bulge", math.log10(p.upsilon_bulge), p.upsilon_sigma_dex)
        if p.free_distance and galaxy.distance_err_mpc > 0:
            add("distance_mpc", galaxy.distance_mpc, galaxy.distance_err_mpc, low=0.1 * galaxy.distance_mpc)
        if p.free_inclination and galaxy.inclination_err_deg > 0:
            add("inclination_deg", galaxy.inclination_deg, galaxy.inclination_err_deg, low=5.0, high=90.0)
        return names, bounds, np.array(means), np.array(sigmas)

    def _unpack(self, theta: np.ndarray, names: list[str], constants: dict[str, np.ndarray]):
        """Halo parameters (k, S, G) and nuisance values (S, G) or defaults from theta of shape (P, S, G).

        ``constants``: the galaxy constants (distance, table inclination) as (1, G) arrays.
        """
        p = self.priors
        index = {name: i for i, name in enumerate(names)}

        def get(name, default):
            return theta[index[name]] if name in index else default

        ud = 10.0 ** get("log10_upsilon_disk", math.log10(p.upsilon_disk))
        ub = 10.0 ** get("log10_upsilon_bulge", math.log10(p.upsilon_bulge))
        delta = get("distance_mpc", constants["distance_mpc"]) / constants["distance_mpc"]
        inc = get("inclination_deg", constants["inclination_deg"])
        return theta[:self.halo.n_params], ud, ub, delta, inc

    @staticmethod
    def _stellar_mass(ud, delta, constants: dict[str, np.ndarray]):
        """Y_disk L[3.6] at the fitted distance (L scales as D^2)."""
        return ud * constants["luminosity_msun"] * delta**2

    @staticmethod
    def _arrays(galaxy: Galaxy, radius_kpc: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """The galaxy's points as (1, n) arrays: data and baryonic V|V| terms.

        At ``radius_kpc`` instead of the data radii, the V|V| terms are interpolated linearly in
        radius and the data columns are NaN.
        """
        d = galaxy.curve.data
        arrays = {c: d[c].to_numpy() for c in ("radius_kpc", "vobs_kms", "verr_kms")}
        for c in ("gas", "disk", "bul"):
            v = d[f"v{c}_kms"].to_numpy()
            arrays[f"v{c}2"] = v * np.abs(v)
        if radius_kpc is not None:
            new = np.asarray(radius_kpc, dtype=float)
            blank = np.full(len(new), math.nan)
            arrays = {"radius_kpc": new, "vobs_kms": blank, "verr_kms": blank} | {
                k: np.interp(new, arrays["radius_kpc"], arrays[k]) for k in ("vgas2", "vdisk2", "vbul2")}
        return {k: v[None, :] for k, v in arrays.items()}

    def _stack(self, galaxies: list[Galaxy]) -> GalaxyStack:
        """The galaxies end to end, for one objective over all of them; they must share the parameters."""
        layouts = [self._layout(galaxy) for galaxy in galaxies]
        names = layouts[0][0]
        for galaxy, layout in zip(galaxies, layouts):
            if layout[0] != names:
                raise ValueError(f"{galaxy.name}: parameters {layout[0]} differ from {galaxies[0].name}'s {names}; "
                                 "stack only galaxies with the same parameters")
        points = [self._arrays(galaxy) for galaxy in galaxies]
        sizes = [p["radius_kpc"].shape[1] for p in points]
        return GalaxyStack(
            names=names,
            bounds=np.array([layout[1] for layout in layouts], dtype=float).reshape(len(galaxies), len(names), 2),
            means=np.array([layout[2] for layout in layouts]).reshape(len(galaxies), len(names)).T,
            sigmas=np.array([layout[3] for layout in layouts]).reshape(len(galaxies), len(names)).T,
            points={k: np.concatenate([p[k] for p in points], axis=1) for k in points[0]},
            galaxies=_constants(galaxies),
            offsets=np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp),
            point_galaxy=np.repeat(np.arange(len(galaxies)), sizes))

    def _components(self, theta: np.ndarray, names: list[str], points: dict[str, np.ndarray],
                    galaxies: dict[str, np.ndarray], point_galaxy: np.ndarray | None = None):
        """Deprojected data and model velocities for parameter sets theta (P, S, G) at points (1, N), and
        each set's stellar mass.

        ``galaxies``: the galaxy constants as (1, G) arrays; ``point_galaxy``: each point's galaxy,
        None for one galaxy (G = 1: every parameter set applies to all points). The nuisance terms
        and the halo's :meth:`~physbench.sparc.halos.HaloModel.terms` are computed once per
        parameter set, then spread to the points.
        """
        halo, ud, ub, delta, inc = self._unpack(theta, names, galaxies)
        with np.errstate(all="ignore"):
            stellar_mass = self._stellar_mass(ud, delta, galaxies)
            halo_terms = self.halo.terms(halo, Baryons(stellar_mass, galaxies["disk_scale_length_kpc"] * delta)
                                         if self.halo.needs_baryons else None)
            per_set = {"delta": delta, "disk": delta * ud, "bulge": delta * ub,
                       "scale": galaxies["sin_inclination"] / np.sin(np.radians(inc))}
        if point_galaxy is not None:  # all per-set values to the points in one gather
            per_set_values = np.empty((len(per_set) + len(halo_terms),) + theta.shape[1:])
            for row, value in zip(per_set_values, [*per_set.values(), *halo_terms]):
                row[...] = value
            per_point = np.take(per_set_values, point_galaxy, axis=2)
            per_set = dict(zip(per_set, per_point))
            halo_terms = per_point[len(per_set):]
        delta = per_set["delta"]
        radius = points["radius_kpc"] * delta
        gas2 = delta * points["vgas2"]
        disk2 = per_set["disk"] * points["vdisk2"]
        bul2 = per_set["bulge"] * points["vbul2"]
        with np.errstate(all="ignore"):
            vhalo = self.halo.profile(radius, *halo_terms)
            vhalo = np.broadcast_to(vhalo, np.broadcast_shapes(np.shape(vhalo), radius.shape))
        scale = per_set["scale"]
        vmodel = np.sqrt(np.maximum(gas2 + disk2 + bul2 + vhalo**2, 0.0))
        return {"radius_kpc": radius, "vobs_kms": points["vobs_kms"] * scale, "verr_kms": points["verr_kms"] * scale,
                "vgas2": gas2, "vdisk2": disk2, "vbul2": bul2, "vhalo_kms": vhalo, "vmodel_kms": vmodel,
                "scale": scale, "stellar_mass_msun": stellar_mass}

    def _lcdm_penalty(self, theta: np.ndarray, names: list[str], stellar_mass: np.ndarray) -> np.ndarray:
        """-2 ln of the LambdaCDM priors: c200 about the c-M relation, M_star about the SHM relation."""
        p = self.priors
        log_v200 = theta[names.index("log10_v200_kms")]
        log_c200 = theta[names.index("log10_c200")]
        v200 = 10.0**log_v200
        m200 = m200_msun(v200, self.halo.hubble_kms_mpc)
        concentration = (log_c200 - lcdm.log10_c200(m200, self.halo.hubble_kms_mpc)) / p.concentration_sigma_dex
        with np.errstate(divide="ignore", invalid="ignore"):
            stars = (np.log10(stellar_mass) - lcdm.log10_stellar_mass(m200)) / p.stellar_mass_sigma_dex
        return concentration**2 + stars**2

    def _objective(self, theta: np.ndarray, stack: GalaxyStack):
        """(-2 ln posterior, chi^2), each of shape (S, G), for theta of shape (P, S, G)."""
        c = self._components(theta, stack.names, stack.points, stack.galaxies,
                             None if stack.n_galaxies == 1 else stack.point_galaxy)
        residuals = ((c["vobs_kms"] - c["vmodel_kms"]) / c["verr_kms"]) ** 2
        residuals = np.broadcast_to(residuals, (theta.shape[1], residuals.shape[1]))
        chi2 = np.add.reduceat(residuals, stack.offsets, axis=1)
        informative = np.isfinite(stack.sigmas[:, 0])
        prior = np.sum(((theta[informative] - stack.means[informative, None, :])
                        / stack.sigmas[informative, None, :]) ** 2, axis=0)
        if self.priors.halo_prior == "lcdm":
            prior = prior + self._lcdm_penalty(theta, stack.names, c["stellar_mass_msun"])
        total = chi2 + prior
        bad = ~np.isfinite(total)
        total[bad] = PENALTY
        chi2[bad] = PENALTY
        return total, chi2

    # -- fitting -----------------------------------------------------------------------------------
    def _groups(self, galaxies: list[Galaxy]) -> list[list[Galaxy]]:
        """The galaxies with free parameters, grouped by their parameter names: each group stacks."""
        groups: dict[tuple[str, ...], list[Galaxy]] = {}
        for galaxy in galaxies:
            names = self._layout(galaxy)[0]
            if names:
                groups.setdefault(tuple(names), []).append(galaxy)
        return list(groups.values())

    def map_searches(self, galaxies: list[Galaxy]) -> dict[str, MapSearch]:
        """Global optimum and local searches of every galaxy with free parameters, side by side.

        Per group of galaxies with the same free parameters: one :func:`differential_evolution` for
        all of them, then one :func:`l_bfgs_b` for all their local starts (the global optimum and
        ``n_starts - 1`` seeded uniform points). Each galaxy draws from its own generator, seeded by
        the optimiser's seed and its name, so its searches do not depend on the galaxies beside it
        (nor on the chunking).
        """
        searches = {}
        for members in self._groups(galaxies):
            stack = self._stack(members)
            optima = self._global_optima(members, stack)
            begin = time.perf_counter()
            local = self._local_optima(stack, optima)
            share = (time.perf_counter() - begin) / len(members)
            for galaxy, optimum, results in zip(members, optima, local):
                searches[galaxy.name] = MapSearch(optimum, results, optimum.seconds + share)
        return searches

    def _global_optima(self, members: list[Galaxy], stack: GalaxyStack) -> list[GlobalOptimum]:
        """Differential evolution of the stacked galaxies side by side, each from its own generator."""
        start = time.perf_counter()
        low, span = stack.bounds[..., 0], stack.bounds[..., 1] - stack.bounds[..., 0]
        searching = _subsets(stack)

        def objective(unit, active):
            theta = low[active, None, :] + unit * span[active, None, :]
            return self._objective(theta.transpose(2, 1, 0), searching(active))[0].T

        generators = [np.random.default_rng([self.optimiser.seed, zlib.crc32(g.name.encode())]) for g in members]
        unit, values, generations = differential_evolution(objective, len(stack.names), generators, self.optimiser)
        share = (time.perf_counter() - start) / len(members)
        log.info("%s: differential evolution of %d galaxies in %.1f s (%d-%d generations)", self.model_name,
                 len(members), share * len(members), generations.min(), generations.max())
        return [GlobalOptimum(x, float(value), share, generator)
                for x, value, generator in zip(low + unit * span, values, generators)]

    def _local_optima(self, stack: GalaxyStack, optima: list[GlobalOptimum]) -> list[list[OptimizeResult]]:
        """L-BFGS-B from each galaxy's global optimum and from seeded uniform points, all side by side."""
        start = time.perf_counter()
        n_starts, n_params = self.optimiser.n_starts, len(stack.names)
        low, high = stack.bounds[..., 0], stack.bounds[..., 1]
        step = 1e-6 * (high - low)
        starts = np.concatenate([[np.clip(optimum.x, lo, hi)]
                                 + [lo + optimum.generator.random(n_params) * (hi - lo) for _ in range(n_starts - 1)]
                                 for optimum, lo, hi in zip(optima, low, high)])
        owner = np.repeat(np.arange(len(optima)), n_starts)  # each start's galaxy
        searching = _subsets(stack.subset(owner))
        eye = np.eye(n_params)

        def evaluate(active, x):
            h = step[owner[active]]
            offsets = h[:, None, :] * eye  # central differences: all 2P + 1 points in one call
            points = x[:, None, :] + np.concatenate([np.zeros_like(offsets[:, :1]), offsets, -offsets], axis=1)
            values = self._objective(points.transpose(2, 1, 0), searching(active))[0]
            return values[0], ((values[1:n_params + 1] - values[n_params + 1:]) / (2.0 * h.T)).T

        results = l_bfgs_b(evaluate, np.clip(starts, low[owner] + step[owner], high[owner] - step[owner]),
                           low[owner], high[owner])
        log.info("%s: %d local searches of %d galaxies in %.1f s", self.model_name, len(results), len(optima),
                 time.perf_counter() - start)
        return [results[i:i + n_starts] for i in range(0, len(results), n_starts)]

    def fit(self, galaxy: Galaxy, search: MapSearch | None = None) -> RotationCurveFit:
        """Fit the galaxy; the result is in ``self.result_`` (a :class:`FitResult`).

        ``search``: the galaxy's searches from :meth:`map_searches`, run here when None.
        """
        stack = self._stack([galaxy])
        names = stack.names
        if names and search is None:
            search = self.map_searches([galaxy])[galaxy.name]
        begin = time.perf_counter()
        bounds = [tuple(b) for b in stack.bounds[0].tolist()]
        self.galaxy_ = galaxy
        self.names_ = names
        lo, hi = stack.bounds[0, :, 0], stack.bounds[0, :, 1]

        def evaluate(x):
            """(-2 ln posterior, chi^2) at one parameter vector."""
            total, chi2 = self._objective(x[:, None, None], stack)
            return float(total[0, 0]), float(chi2[0, 0])

        def vector(theta):
            return self._objective(theta[:, :, None], stack)[0][:, 0]

        if not names:  # nothing free (baryons only, nuisance fixed): evaluate, do not optimise
            total, chi2 = evaluate(np.zeros(0))
            failed = chi2 >= PENALTY
            self.result_ = FitResult(galaxy.name, self.model_name, [], np.zeros(0), np.zeros(0), [],
                                     math.nan if failed else chi2, math.nan if failed else total,
                                     len(galaxy.curve), not failed, [], time.perf_counter() - begin,
                                     NOT_FINITE if failed else "")
            return self
        start, locals_ = search.optimum, search.local
        best = min(locals_, key=lambda r: r.fun)
        # A line-search stop at a kink of the interpolated templates still counts when another start agrees.
        agreeing = sum(1 for r in locals_ if r.fun - best.fun < 1e-4 * (1.0 + abs(best.fun)))
        x = best.x if best.fun <= start.value else np.clip(start.x, lo, hi)
        value = min(best.fun, start.value)
        chi2 = evaluate(x)[1]
        finite = value < PENALTY and chi2 < PENALTY
        converged = (bool(best.success) or agreeing >= 2) and finite
        if not finite:  # the penalty is no chi^2: the fit failed
            chi2 = value = math.nan
        fraction = self.optimiser.bound_fraction
        at_bound = [n for n, v, a, b, w in zip(names, x, lo, hi, hi - lo)
                    if v - a < fraction * w or b - v < fraction * w]
        errors = self._errors(x, lo, hi, vector)
        message = "" if converged else NOT_FINITE if not finite else f"local optimiser: {best.message}"
        if at_bound:
            message = (message + "; " if message else "") + f"at bound: {', '.join(at_bound)}"
        self.result_ = FitResult(galaxy.name, self.model_name, names, x, errors, bounds, chi2, float(value),
                                 len(galaxy.curve), converged, at_bound,
                                 search.seconds + time.perf_counter() - begin, message,
                                 self.halo.derived(x[:self.halo.n_params]), self.halo.n_params)
        return self

    @staticmethod
    def _errors(x, lo, hi, vector) -> np.ndarray:
        """1-sigma errors sqrt(diag(2 H^-1)) from a central-difference Hessian of -2 ln posterior."""
        p = len(x)
        step = 1e-4 * (hi - lo)
        points = [x]
        for i in range(p):
            for j in range(i, p):
                for si, sj in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                    dx = np.zeros(p)
                    dx[i] += si * step[i]
                    dx[j] += sj * step[j]
                    points.append(x + dx)
        values = vector(np.array(points).T)
        hessian = np.zeros((p, p))
        k = 1
        for i in range(p):
            for j in range(i, p):
                fpp, fpm, fmp, fmm = values[k:k + 4]
                k += 4
                hessian[i, j] = hessian[j, i] = (fpp - fpm - fmp + fmm) / (4.0 * step[i] * step[j])
        try:
            cov = 2.0 * np.linalg.inv(hessian)
        except np.linalg.LinAlgError:
            return np.full(p, math.nan)
        diag = np.diag(cov)
        return np.where(diag > 0, np.sqrt(np.abs(diag)), math.nan)

    def log_posterior_function(self, galaxies: list[Galaxy] | None = None):
        """ln posterior of galaxies with the same parameters (default: the fitted one), vectorised.

        The function takes parameter sets of shape (G K, P), the K sets of each galaxy in turn, and
        returns their ln posterior: -(chi^2 + prior penalties) / 2 strictly inside the bounds, -inf
        outside them and where the model is undefined (the optimiser's penalty value).
        """
        stack = self._stack(galaxies or [self.galaxy_])
        n_galaxies, n_params = stack.n_galaxies, len(stack.names)
        low, high = stack.bounds[:, None, :, 0], stack.bounds[:, None, :, 1]
        middle = 0.5 * (low + high)

        def log_posterior(theta: np.ndarray) -> np.ndarray:
            theta = theta.reshape(n_galaxies, -1, n_params)
            inside = np.all((theta > low) & (theta < high), axis=2)
            # Sets outside the bounds are evaluated at the middle of the box, then discarded.
            total = self._objective(np.where(inside[..., None], theta, middle).transpose(2, 1, 0), stack)[0].T
            return np.where(inside & (total < PENALTY), -0.5 * total, -np.inf).reshape(-1)

        return log_posterior

    def use_parameters(self, galaxy: Galaxy, values: dict[str, float]) -> RotationCurveFit:
        """Adopt parameter values (e.g. read back from the parameters table) instead of fitting."""
        stack = self._stack([galaxy])
        names = stack.names
        missing = [n for n in names if n not in values]
        if missing:
            raise KeyError(f"{galaxy.name} / {self.model_name}: no value for parameter(s) {missing}")
        x = np.array([float(values[n]) for n in names])
        total, chi2 = self._objective(x[:, None, None], stack)
        self.galaxy_, self.names_ = galaxy, names
        self.result_ = FitResult(galaxy.name, self.model_name, names, x, np.full(len(x), math.nan),
                                 [tuple(b) for b in stack.bounds[0].tolist()], float(chi2[0, 0]), float(total[0, 0]),
                                 len(galaxy.curve), True, [], 0.0, "", n_halo=self.halo.n_params)
        return self

    def predict(self, radius_kpc: np.ndarray | None = None) -> pd.DataFrame:
        """Velocity components of the fit in the frame of the published data, in km/s.

        Radii at the table distance and velocities projected with the table inclination, so they
        compare directly with the rotmod V_obs. At the data radii by default; at ``radius_kpc``
        the baryonic V^2 terms are interpolated linearly in radius (data columns are then NaN).
        Baryonic columns are signed: sign(V^2) sqrt(|V^2|).
        """
        arrays = self._arrays(self.galaxy_, radius_kpc)
        c = self._components(self.result_.values[:, None, None], self.names_, arrays, _constants([self.galaxy_]))
        to_table_frame = 1.0 / c["scale"][0]

        def signed_root(v2):
            return np.sign(v2) * np.sqrt(np.abs(v2)) * to_table_frame

        return pd.DataFrame({
            "radius_kpc": arrays["radius_kpc"][0], "vobs_kms": arrays["vobs_kms"][0], "verr_kms": arrays["verr_kms"][0],
            "vgas_kms": signed_root(c["vgas2"][0]), "vdisk_kms": signed_root(c["vdisk2"][0]),
            "vbul_kms": signed_root(c["vbul2"][0]), "vhalo_kms": c["vhalo_kms"][0] * to_table_frame,
            "vmodel_kms": c["vmodel_kms"][0] * to_table_frame,
        })
