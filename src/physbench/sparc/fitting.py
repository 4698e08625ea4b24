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
(global), then L-BFGS-B (local) from the global optimum and further seeded random starts; the best
local optimum is kept. Fits that end within a small fraction of a bound or whose local optimiser
reports failure are flagged, never silently kept. Uncertainties come from the inverse Hessian of
-2 ln posterior at the optimum.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import differential_evolution, minimize

from physbench.sparc import lcdm
from physbench.sparc.data import RotationCurve
from physbench.sparc.halos import Baryons, HaloModel, m200_msun

HALO_PRIORS = ("flat", "lcdm")
LCDM_PARAMETERS = ("log10_v200_kms", "log10_c200")  # what a halo needs for the LambdaCDM priors
PENALTY = 1e30  # -2 ln posterior where the model is undefined (e.g. distance or inclination 0)
NOT_FINITE = "the model is undefined at every parameter value tried (e.g. distance or inclination 0): no chi2"


def with_signed_squares(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The data arrays plus the baryonic V|V| terms (``vgas2`` etc.), computed once per galaxy."""
    return arrays | {f"v{c}2": arrays[f"v{c}_kms"] * np.abs(arrays[f"v{c}_kms"]) for c in ("gas", "disk", "bul")}


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
    """Global-then-local optimiser: differential evolution, then L-BFGS-B from ``n_starts`` points."""

    popsize: int = 15
    maxiter: int = 300
    tol: float = 1e-5
    n_starts: int = 8
    seed: int = 0
    # A parameter within this fraction of its bound range from a bound counts as at the bound.
    bound_fraction: float = 1e-3


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

    def _unpack(self, theta: np.ndarray, names: list[str], galaxy: Galaxy):
        """Halo parameters (k, S, 1) and nuisance arrays (S, 1) from theta of shape (P, S)."""
        p = self.priors
        s = theta.shape[1]
        index = {name: i for i, name in enumerate(names)}
        nh = self.halo.n_params
        halo = theta[:nh, :, None]

        def get(name, default):
            return theta[index[name]][:, None] if name in index else np.full((s, 1), default)

        ud = 10.0 ** get("log10_upsilon_disk", math.log10(p.upsilon_disk))
        ub = 10.0 ** get("log10_upsilon_bulge", math.log10(p.upsilon_bulge))
        delta = get("distance_mpc", galaxy.distance_mpc) / galaxy.distance_mpc
        inc = get("inclination_deg", galaxy.inclination_deg)
        return halo, ud, ub, delta, inc

    @staticmethod
    def _arrays(galaxy: Galaxy) -> dict[str, np.ndarray]:
        d = galaxy.curve.data
        return with_signed_squares({c: d[c].to_numpy()[None, :] for c in ("radius_kpc", "vobs_kms", "verr_kms",
                                                                           "vgas_kms", "vdisk_kms", "vbul_kms")})

    def _components(self, theta: np.ndarray, names: list[str], galaxy: Galaxy, arrays: dict | None = None):
        """Deprojected data and model velocities for parameter sets theta (P, S); arrays (S, n)."""
        d = arrays if arrays is not None else self._arrays(galaxy)
        halo, ud, ub, delta, inc = self._unpack(theta, names, galaxy)
        radius = d["radius_kpc"] * delta
        gas2 = delta * d["vgas2"]
        disk2 = delta * ud * d["vdisk2"]
        bul2 = delta * ub * d["vbul2"]
        # Stellar mass and disk length at the fitted distance: L scales as D^2, lengths as D.
        stellar_mass = ud * galaxy.luminosity_1e9lsun * 1e9 * delta**2
        with np.errstate(all="ignore"):
            if self.halo.needs_baryons:
                stars = Baryons(stellar_mass, galaxy.disk_scale_length_kpc * delta)
                vhalo = self.halo.velocity_kms(radius, halo, stars)
            else:  # a halo that reads no baryons may define velocity_kms(radius_kpc, params)
                vhalo = self.halo.velocity_kms(radius, halo)
            vhalo = np.broadcast_to(vhalo, radius.shape)
        scale = math.sin(math.radians(galaxy.inclination_deg)) / np.sin(np.radians(inc))
        vobs = d["vobs_kms"] * scale
        verr = d["verr_kms"] * scale
        vmodel = np.sqrt(np.maximum(gas2 + disk2 + bul2 + vhalo**2, 0.0))
        return {"radius_kpc": radius, "vobs_kms": vobs, "verr_kms": verr, "vgas2": gas2, "vdisk2": disk2,
                "vbul2": bul2, "vhalo_kms": vhalo, "vmodel_kms": vmodel, "stellar_mass_msun": stellar_mass[:, 0]}

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

    def _objective(self, theta, names, galaxy, means, sigmas, arrays=None):
        """(-2 ln posterior, chi^2) for theta of shape (P, S)."""
        c = self._components(theta, names, galaxy, arrays)
        chi2 = np.sum(((c["vobs_kms"] - c["vmodel_kms"]) / c["verr_kms"]) ** 2, axis=1)
        informative = np.isfinite(sigmas)
        prior = np.sum(((theta[informative] - means[informative, None]) / sigmas[informative, None]) ** 2, axis=0)
        if self.priors.halo_prior == "lcdm":
            prior = prior + self._lcdm_penalty(theta, names, c["stellar_mass_msun"])
        total = chi2 + prior
        bad = ~np.isfinite(total)
        total[bad] = PENALTY
        chi2[bad] = PENALTY
        return total, chi2

    # -- fitting -----------------------------------------------------------------------------------
    def fit(self, galaxy: Galaxy) -> RotationCurveFit:
        """Fit the galaxy; the result is in ``self.result_`` (a :class:`FitResult`)."""
        start = time.perf_counter()
        names, bounds, means, sigmas = self._layout(galaxy)
        self.galaxy_ = galaxy
        self.names_ = names
        opt = self.optimiser
        lo = np.array([b[0] for b in bounds])
        hi = np.array([b[1] for b in bounds])

        arrays = self._arrays(galaxy)
        step = 1e-6 * (hi - lo)

        def vector(theta):
            return self._objective(theta, names, galaxy, means, sigmas, arrays)[0]

        def value_and_gradient(x):
            # Central differences, all 2P + 1 points in one vectorised call.
            offsets = np.concatenate([np.zeros((1, len(x))), np.diag(step), -np.diag(step)])
            values = vector((x[None, :] + offsets).T)
            return values[0], (values[1:len(x) + 1] - values[len(x) + 1:]) / (2.0 * step)

        if not names:  # nothing free (baryons only, nuisance fixed): evaluate, do not optimise
            total, chi2 = self._objective(np.zeros((0, 1)), names, galaxy, means, sigmas, arrays)
            failed = chi2[0] >= PENALTY
            self.result_ = FitResult(galaxy.name, self.model_name, [], np.zeros(0), np.zeros(0), [],
                                     math.nan if failed else float(chi2[0]), math.nan if failed else float(total[0]),
                                     len(galaxy.curve), not failed, [], time.perf_counter() - start,
                                     NOT_FINITE if failed else "")
            return self
        rng = np.random.default_rng(opt.seed)
        de = differential_evolution(vector, bounds, popsize=opt.popsize, maxiter=opt.maxiter, tol=opt.tol,
                                    seed=rng, polish=False, vectorized=True, updating="deferred", init="sobol")
        # Local starts: the global optimum, then seeded uniform points inside the bounds.
        starts = [np.clip(de.x, lo, hi)] + [lo + rng.random(len(lo)) * (hi - lo) for _ in range(opt.n_starts - 1)]
        locals_ = [minimize(value_and_gradient, np.clip(x0, lo + step, hi - step), jac=True, method="L-BFGS-B",
                            bounds=bounds, options={"maxiter": 1000, "ftol": 1e-12, "gtol": 1e-6})
                   for x0 in starts]
        best = min(locals_, key=lambda r: r.fun)
        # A line-search stop at a kink of the interpolated templates still counts when another start agrees.
        agreeing = sum(1 for r in locals_ if r.fun - best.fun < 1e-4 * (1.0 + abs(best.fun)))
        x = best.x if best.fun <= de.fun else np.clip(de.x, lo, hi)
        value = min(best.fun, de.fun)
        chi2 = float(self._objective(x[:, None], names, galaxy, means, sigmas)[1][0])
        finite = value < PENALTY and chi2 < PENALTY
        converged = (bool(best.success) or agreeing >= 2) and finite
        if not finite:  # the penalty is no chi^2: the fit failed
            chi2 = value = math.nan
        span = hi - lo
        at_bound = [n for n, v, a, b, w in zip(names, x, lo, hi, span)
                    if v - a < opt.bound_fraction * w or b - v < opt.bound_fraction * w]
        errors = self._errors(x, lo, hi, names, galaxy, means, sigmas)
        message = "" if converged else NOT_FINITE if not finite else f"local optimiser: {best.message}"
        if at_bound:
            message = (message + "; " if message else "") + f"at bound: {', '.join(at_bound)}"
        self.result_ = FitResult(galaxy.name, self.model_name, names, x, errors, bounds, chi2, float(value),
                                 len(galaxy.curve), converged, at_bound, time.perf_counter() - start, message,
                                 self.halo.derived(x[:self.halo.n_params]), self.halo.n_params)
        return self

    def _errors(self, x, lo, hi, names, galaxy, means, sigmas) -> np.ndarray:
        """1-sigma errors sqrt(diag(2 H^-1)) from a central-difference Hessian of -2 ln posterior."""
        p = len(x)
        if p == 0:
            return np.zeros(0)
        step = 1e-4 * (hi - lo)
        points = [x]
        for i in range(p):
            for j in range(i, p):
                for si, sj in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                    dx = np.zeros(p)
                    dx[i] += si * step[i]
                    dx[j] += sj * step[j]
                    points.append(x + dx)
        values = self._objective(np.array(points).T, names, galaxy, means, sigmas)[0]
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

    def log_posterior_function(self):
        """ln posterior of the fitted galaxy for parameter sets theta of shape (S, P), vectorised.

        -(chi^2 + prior penalties) / 2 strictly inside the bounds, -inf outside them and where the
        model is undefined (the optimiser's penalty value).
        """
        galaxy = self.galaxy_
        names, bounds, means, sigmas = self._layout(galaxy)
        low = np.array([b[0] for b in bounds])
        high = np.array([b[1] for b in bounds])
        arrays = self._arrays(galaxy)

        def log_posterior(theta: np.ndarray) -> np.ndarray:
            out = np.full(len(theta), -np.inf)
            inside = np.all((theta > low) & (theta < high), axis=1)
            if inside.any():
                total = self._objective(theta[inside].T, names, galaxy, means, sigmas, arrays)[0]
                out[inside] = np.where(total < PENALTY, -0.5 * total, -np.inf)
            return out

        return log_posterior

    def use_parameters(self, galaxy: Galaxy, values: dict[str, float]) -> RotationCurveFit:
        """Adopt parameter values (e.g. read back from the parameters table) instead of fitting."""
        names, bounds, means, sigmas = self._layout(galaxy)
        missing = [n for n in names if n not in values]
        if missing:
            raise KeyError(f"{galaxy.name} / {self.model_name}: no value for parameter(s) {missing}")
        x = np.array([float(values[n]) for n in names])
        total, chi2 = self._objective(x[:, None], names, galaxy, means, sigmas)
        self.galaxy_, self.names_ = galaxy, names
        self.result_ = FitResult(galaxy.name, self.model_name, names, x, np.full(len(x), math.nan), bounds,
                                 float(chi2[0]), float(total[0]), len(galaxy.curve), True, [], 0.0, "",
                                 n_halo=self.halo.n_params)
        return self

    def predict(self, radius_kpc: np.ndarray | None = None) -> pd.DataFrame:
        """Velocity components of the fit in the frame of the published data, in km/s.

        Radii at the table distance and velocities projected with the table inclination, so they
        compare directly with the rotmod V_obs. At the data radii by default; at ``radius_kpc``
        the baryonic V^2 terms are interpolated linearly in radius (data columns are then NaN).
        Baryonic columns are signed: sign(V^2) sqrt(|V^2|).
        """
        arrays = self._arrays(self.galaxy_)
        if radius_kpc is not None:
            radius = np.asarray(radius_kpc, dtype=float)
            new = {"radius_kpc": radius[None, :], "vobs_kms": np.full((1, len(radius)), math.nan),
                   "verr_kms": np.full((1, len(radius)), math.nan)}
            for column in ("vgas_kms", "vdisk_kms", "vbul_kms"):
                v = arrays[column][0]
                v2 = np.interp(radius, arrays["radius_kpc"][0], v * np.abs(v))
                new[column] = (np.sign(v2) * np.sqrt(np.abs(v2)))[None, :]
            arrays = with_signed_squares(new)
        theta = self.result_.values[:, None]
        c = self._components(theta, self.names_, self.galaxy_, arrays)
        inc = self._unpack(theta, self.names_, self.galaxy_)[4]
        to_table_frame = np.sin(np.radians(inc[0, 0])) / math.sin(math.radians(self.galaxy_.inclination_deg))

        def signed_root(v2):
            return np.sign(v2) * np.sqrt(np.abs(v2)) * to_table_frame

        return pd.DataFrame({
            "radius_kpc": arrays["radius_kpc"][0], "vobs_kms": arrays["vobs_kms"][0], "verr_kms": arrays["verr_kms"][0],
            "vgas_kms": signed_root(c["vgas2"][0]), "vdisk_kms": signed_root(c["vdisk2"][0]),
            "vbul_kms": signed_root(c["vbul2"][0]), "vhalo_kms": c["vhalo_kms"][0] * to_table_frame,
            "vmodel_kms": c["vmodel_kms"][0] * to_table_frame,
        })
