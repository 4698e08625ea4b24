"""Self-consistent isotropic DARKexp halos and their dimensionless rotation-curve templates.

DARKexp (Hjorth & Williams 2010) prescribes the differential energy distribution
N(eps) = A [exp(phi0 - eps) - 1] for 0 <= eps <= phi0, where eps = -beta E is the dimensionless
binding energy. The density profile has no closed form: it follows from the self-consistent
solution of an isotropic, spherical, isolated system,

    potential psi(r) -> density of states g(eps) -> f = N / g -> density rho(r) -> Poisson -> psi,

iterated to a fixed point with damping in log space and *without* rescaling psi between passes
(rescaling converges to stretched, non-self-consistent shapes). Units: G = M = beta = 1, so
lengths are in G M beta, velocities in beta^(-1/2), densities in M / (G M beta)^3.

Energy levels are the grid potentials, eps_k = psi(r_k), so every level has its apocentre on the
radial grid. Both quadratures (g and rho) are trapezoid rules in ln r with a square-root
endpoint correction; they share one matrix of sqrt(2 (psi_i - psi_k)).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.interpolate import CubicSpline

from physbench.chunks import chunk_of
from physbench.io import read_parquet, write_parquet

log = logging.getLogger(__name__)


class ConvergenceError(RuntimeError):
    """The self-consistent iteration did not reach its tolerance."""


@dataclass(frozen=True)
class RadialGrid:
    """Logarithmic radial grid, r in units of G M beta."""

    r_min: float = 1e-10
    r_max: float = 1e8
    n: int = 2400

    @property
    def x(self) -> np.ndarray:
        return np.linspace(math.log(self.r_min), math.log(self.r_max), self.n)

    @property
    def r(self) -> np.ndarray:
        return np.exp(self.x)

    @property
    def h(self) -> float:
        return (math.log(self.r_max) - math.log(self.r_min)) / (self.n - 1)


def _sqrt_matrix(psi: np.ndarray) -> np.ndarray:
    """S[a, b] = sqrt(2 (psi_a - psi_b)) where psi_a > psi_b (a inside b), else 0."""
    diff = psi[:, None] - psi[None, :]
    np.maximum(diff, 0.0, out=diff)
    diff *= 2.0
    return np.sqrt(diff, out=diff)


def density_of_states(psi: np.ndarray, grid: RadialGrid, S: np.ndarray | None = None) -> np.ndarray:
    """g(eps_k) = 16 pi^2 int_0^{r_k} r^2 sqrt(2 (psi - eps_k)) dr at eps_k = psi(r_k) (dimensionless).

    Trapezoid rule in ln r over the grid points inside r_k (the first one weighted h/2); the interval
    next to r_k, where the integrand vanishes like a square root, gets (2/3) F h instead of (1/2) F h.
    The piece inside r_min is r_min^3/3 sqrt(2 (psi(0) - eps_k)).
    """
    h, r3 = grid.h, grid.r**3
    S = _sqrt_matrix(psi) if S is None else S
    g = h * (r3 @ S) - 0.5 * h * r3[0] * S[0]
    g[1:] += h / 6.0 * r3[:-1] * np.diagonal(S, 1)
    g += grid.r_min**3 / 3.0 * np.sqrt(2.0 * np.maximum(psi[0] - psi, 0.0))
    return 16.0 * math.pi**2 * g


def density_from_df(psi: np.ndarray, f: np.ndarray, grid: RadialGrid, S: np.ndarray | None = None) -> np.ndarray:
    """rho(r_i) = 4 pi int_0^{psi_i} f(eps) sqrt(2 (psi_i - eps)) deps, for f given at eps_k = psi(r_k).

    The energy integral is taken along the radial grid, deps = -(d psi / d ln r) d ln r = (M(r)/r) d ln r,
    with M(r)/r taken from the input potential; trapezoid rule with the same square-root end correction.
    """
    h = grid.h
    S = _sqrt_matrix(psi) if S is None else S
    u = f * -np.gradient(psi, h)
    rho = h * (S @ u) - 0.5 * h * S[:, -1] * u[-1]
    rho[:-1] += h / 6.0 * np.diagonal(S, 1) * u[1:]
    rho *= 4.0 * math.pi
    # The last point has no grid energies below it; continue the r^-4 envelope there.
    rho[-1] = rho[-2] * math.exp(-4.0 * h)
    return rho


def poisson(rho: np.ndarray, grid: RadialGrid) -> tuple[np.ndarray, np.ndarray, float]:
    """Relative potential psi(r) = M(r)/r + 4 pi int_r^inf rho r' dr' (G = 1) and enclosed mass M(r).

    Inside r_min the density is continued as a power law; beyond r_max as r^-4.
    Returns (psi, mass, total_mass).
    """
    r, h = grid.r, grid.h
    gamma = -math.log(max(rho[1], 1e-300) / max(rho[0], 1e-300)) / h if rho[0] > 0 else 0.0
    gamma = min(max(gamma, 0.0), 2.9)
    inner_mass = 4.0 * math.pi * rho[0] * r[0] ** 3 / (3.0 - gamma)
    shell = 4.0 * math.pi * rho * r**3
    mass = inner_mass + np.concatenate([[0.0], np.cumsum(0.5 * h * (shell[1:] + shell[:-1]))])
    layer = 4.0 * math.pi * rho * r**2
    outer = np.concatenate([np.cumsum((0.5 * h * (layer[1:] + layer[:-1]))[::-1])[::-1], [0.0]])
    outer += 2.0 * math.pi * rho[-1] * r[-1] ** 2
    total = mass[-1] + 4.0 * math.pi * rho[-1] * r[-1] ** 3
    return mass / r + outer, mass, float(total)


def darkexp_energy_distribution(phi0: float) -> Callable[[np.ndarray], np.ndarray]:
    """N(eps) = A max(exp(phi0 - eps) - 1, 0) with A = 1/(e^phi0 - 1 - phi0), so the total mass is 1."""
    amplitude = 1.0 / (math.expm1(phi0) - phi0)

    def n_of_eps(eps: np.ndarray) -> np.ndarray:
        return amplitude * np.maximum(np.expm1(phi0 - eps), 0.0)

    return n_of_eps


def mean_binding_energy(phi0: float) -> float:
    """<eps> of N(eps) = A (exp(phi0 - eps) - 1) on [0, phi0], in closed form."""
    norm = math.expm1(phi0) - phi0
    return (norm - phi0**2 / 2.0) / norm


@dataclass
class SelfConsistentSolution:
    """Converged isotropic halo on the radial grid (G = M = beta = 1)."""

    r: np.ndarray
    psi: np.ndarray
    rho: np.ndarray
    mass: np.ndarray
    total_mass: float
    iterations: int
    max_change: float
    psi_in_centre: float
    seconds: float

    @property
    def vc(self) -> np.ndarray:
        """Circular velocity sqrt(M(r)/r)."""
        return np.sqrt(self.mass / self.r)

    def slope(self) -> np.ndarray:
        """Logarithmic density slope d ln rho / d ln r."""
        return np.gradient(np.log(np.maximum(self.rho, 1e-300)), np.log(self.r))

    @property
    def lam(self) -> float:
        """psi_out(0) / psi_in(0) of the last pass; 1 at a genuine fixed point."""
        return self.psi[0] / self.psi_in_centre

    def r_minus2(self) -> float:
        """Outermost radius where the log slope equals -2 (interpolated in ln r)."""
        s = self.slope() + 2.0
        ok = np.flatnonzero((s[:-1] >= 0) & (s[1:] < 0))
        if not len(ok):
            raise ValueError("density slope never crosses -2")
        i = ok[-1]
        x = np.log(self.r)
        return float(math.exp(x[i] + (x[i + 1] - x[i]) * s[i] / (s[i] - s[i + 1])))

    def potential_energy(self) -> float:
        """W = -(1/2) int 4 pi r^2 rho psi dr."""
        x = np.log(self.r)
        return float(-0.5 * np.trapezoid(4.0 * math.pi * self.r**3 * self.rho * self.psi, x))

    def virial_ratio(self, phi0: float) -> float:
        """W / (-(2/3) M <eps>): 1 for a DARKexp halo in equilibrium (the virial identity)."""
        return self.potential_energy() / (-(2.0 / 3.0) * self.total_mass * mean_binding_energy(phi0))


def solve_self_consistent(
    n_of_eps: Callable[[np.ndarray], np.ndarray],
    psi_start: np.ndarray,
    grid: RadialGrid,
    damping: float = 0.3,
    tol: float = 1e-11,
    max_iter: int = 400,
) -> SelfConsistentSolution:
    """Iterate psi -> g -> f = N/g -> rho -> Poisson until max |Delta ln psi| < tol.

    ``damping`` is the weight of the new potential: ln psi <- (1 - damping) ln psi + damping ln psi_new.
    The potential is never rescaled; psi(0) settles by itself.
    """
    start = time.perf_counter()
    log_psi = np.log(psi_start)
    change = math.inf
    for iteration in range(1, max_iter + 1):
        psi = np.exp(log_psi)
        S = _sqrt_matrix(psi)
        g = density_of_states(psi, grid, S)
        n = n_of_eps(psi)
        f = np.divide(n, g, out=np.zeros_like(n), where=g > 0)
        rho = density_from_df(psi, f, grid, S)
        psi_new, mass, total = poisson(rho, grid)
        new_log = (1.0 - damping) * log_psi + damping * np.log(psi_new)
        change = float(np.max(np.abs(new_log - log_psi)))
        log_psi = new_log
        if change < tol:
            return SelfConsistentSolution(grid.r, psi_new, rho, mass, total, iteration, change, psi[0],
                                          time.perf_counter() - start)
    raise ConvergenceError(f"self-consistent iteration: max |dln psi| = {change:.2e} "
                           f"after {max_iter} passes (tol {tol})")


def solve_darkexp(phi0: float, grid: RadialGrid | None = None, damping: float = 0.3, tol: float = 1e-11,
                  max_iter: int = 400) -> SelfConsistentSolution:
    """Self-consistent isotropic DARKexp halo of shape parameter phi0, from a Hernquist start (a = 1/phi0)."""
    if not 0.1 <= phi0 <= 20.0:
        raise ValueError(f"phi0 = {phi0} outside the supported range 0.1-20")
    grid = grid or RadialGrid()
    psi_start = 1.0 / (grid.r + 1.0 / phi0)
    return solve_self_consistent(darkexp_energy_distribution(phi0), psi_start, grid, damping, tol, max_iter)


@dataclass(frozen=True)
class TemplateSettings:
    """How the template table is computed: the phi0 grid, the solver grid and the tabulated radii."""

    # The solver converges from phi0 = 0.1 to 15 (benchmarks/darkexp_range.py); above about 11 the
    # rotation-curve shape no longer changes.
    phi0_min: float = 0.1
    phi0_max: float = 12.1
    phi0_step: float = 0.25
    n_radial: int = 2400
    tol: float = 1e-10
    damping: float = 0.3
    s_min: float = 1e-4
    s_max: float = 1e4
    n_s: int = 801

    @property
    def phi0_grid(self) -> np.ndarray:
        n = int(round((self.phi0_max - self.phi0_min) / self.phi0_step)) + 1
        return np.round(np.linspace(self.phi0_min, self.phi0_min + (n - 1) * self.phi0_step, n), 10)


TEMPLATE_COLUMNS = ("phi0", "s", "v_over_vmax", "mass_fraction", "psi0", "r_minus2", "vmax2_r_minus2",
                    "rho_minus2_r_minus2_cubed", "s_vmax", "iterations", "solve_seconds", "total_mass")


def template_rows(phi0: float, settings: TemplateSettings) -> pd.DataFrame:
    """Dimensionless rotation curve V_c/V_max against s = r/r_-2 for one phi0, with its scalars.

    ``vmax2_r_minus2`` is V_max^2 r_-2 / (G M) and ``rho_minus2_r_minus2_cubed`` is rho_-2 r_-2^3 / M,
    which convert the fit scales (r_-2, V_max) into a halo mass and a density.
    """
    grid = RadialGrid(n=settings.n_radial)
    sol = solve_darkexp(phi0, grid, damping=settings.damping, tol=settings.tol)
    r2 = sol.r_minus2()
    vc = sol.vc
    i_max = int(np.argmax(vc))
    vmax = float(vc[i_max])
    ln_s = np.linspace(math.log(settings.s_min), math.log(settings.s_max), settings.n_s)
    x = np.log(sol.r / r2)
    v = np.exp(np.interp(ln_s, x, np.log(vc / vmax)))
    mass_fraction = np.interp(ln_s, x, sol.mass / sol.total_mass)
    rho2 = float(np.exp(np.interp(0.0, x, np.log(np.maximum(sol.rho, 1e-300)))))
    log.info("phi0 = %.3f: %d passes, %.1f s, psi(0) = %.5f, r_-2 = %.4f, M = %.6f", phi0, sol.iterations,
             sol.seconds, sol.psi[0], r2, sol.total_mass)
    return pd.DataFrame({
        "phi0": phi0, "s": np.exp(ln_s), "v_over_vmax": v, "mass_fraction": mass_fraction,
        "psi0": float(sol.psi[0]), "r_minus2": r2, "vmax2_r_minus2": vmax**2 * r2,
        "rho_minus2_r_minus2_cubed": rho2 * r2**3 / sol.total_mass, "s_vmax": float(sol.r[i_max] / r2),
        "iterations": sol.iterations, "solve_seconds": sol.seconds, "total_mass": sol.total_mass,
    })


def build_template_table(settings: TemplateSettings, chunk: int = 0, n_chunks: int = 1) -> pd.DataFrame:
    """Solve every phi0 of the grid, or of its ``chunk``-th of ``n_chunks`` contiguous slices (one
    pipeline job each), and stack the templates into one table."""
    grid = chunk_of(list(settings.phi0_grid), chunk, n_chunks)
    return pd.concat([template_rows(phi0, settings) for phi0 in grid], ignore_index=True).loc[:, list(TEMPLATE_COLUMNS)]


class DarkexpTemplates:
    """Interpolator over the template table: V_c/V_max at s = r/r_-2 for any phi0 inside the grid.

    Cubic spline in phi0 of ln(V_c/V_max) on the tabulated ln s grid, then linear in ln s.
    """

    def __init__(self, table: pd.DataFrame):
        missing = [c for c in ("phi0", "s", "v_over_vmax", "vmax2_r_minus2") if c not in table]
        if missing:
            raise ValueError(f"DARKexp template table lacks column(s) {missing}")
        table = table.sort_values(["phi0", "s"])
        self.phi0_grid = np.unique(table["phi0"].to_numpy())
        if len(self.phi0_grid) < 4:
            raise ValueError(f"DARKexp template table has {len(self.phi0_grid)} phi0 values; at least 4 are needed")
        n_s = len(table) // len(self.phi0_grid)
        ln_s = np.log(table["s"].to_numpy()[:n_s])
        self.ln_s_min, self.ln_s_step, self.n_s = float(ln_s[0]), float(ln_s[1] - ln_s[0]), n_s
        ln_v = np.log(table["v_over_vmax"].to_numpy()).reshape(len(self.phi0_grid), n_s)
        # Cubic spline in phi0 of each tabulated radius, as its polynomial coefficients per phi0 interval.
        self._coefficients = CubicSpline(self.phi0_grid, ln_v, axis=0).c.reshape(4, -1)
        scalars = table.groupby("phi0").first()
        self._vmax2_r2 = CubicSpline(self.phi0_grid, scalars["vmax2_r_minus2"].to_numpy())

    @property
    def phi0_range(self) -> tuple[float, float]:
        return float(self.phi0_grid[0]), float(self.phi0_grid[-1])

    def v_over_vmax(self, phi0, s) -> np.ndarray:
        """V_c/V_max of the DARKexp halo with shape phi0 at radii s = r/r_-2 (both clipped to the table).

        ``phi0`` and ``s`` broadcast against each other (e.g. (m, 1) and (m, n) for m halos at once).
        The phi0 spline is evaluated at the two tabulated radii around each s only.
        """
        phi0 = np.clip(np.asarray(phi0, dtype=float), *self.phi0_range)
        pos = (np.log(np.asarray(s, dtype=float)) - self.ln_s_min) / self.ln_s_step
        pos = np.clip(pos, 0.0, self.n_s - 1.000001)
        i = pos.astype(np.intp)
        w = pos - i
        interval = np.clip(np.searchsorted(self.phi0_grid, phi0, side="right") - 1, 0, len(self.phi0_grid) - 2)
        dx = phi0 - self.phi0_grid[interval]
        first = interval * self.n_s + i  # flat index of (phi0 interval, tabulated radius)

        def spline_at(flat):
            c = self._coefficients[:, flat]
            return ((c[0] * dx + c[1]) * dx + c[2]) * dx + c[3]

        return np.exp(spline_at(first) * (1.0 - w) + spline_at(first + 1) * w)

    def mass_total(self, phi0: float, r_minus2_kpc: float, vmax_kms: float, g: float) -> float:
        """Total halo mass M = V_max^2 r_-2 / (G (V_max^2 r_-2/GM)(phi0)) in the units of ``g``."""
        return float(vmax_kms**2 * r_minus2_kpc / (g * self._vmax2_r2(phi0)))


def build_templates(out, settings: dict, chunk: int = 0, n_chunks: int = 1) -> None:
    """Solve DARKexp on the ``chunk``-th of ``n_chunks`` slices of the configured phi0 grid and write
    that part of the template table."""
    table = build_template_table(TemplateSettings(**settings), chunk=chunk, n_chunks=n_chunks)
    log.info("chunk %d of %d: phi0 %s", chunk, n_chunks, ", ".join(f"{v:g}" for v in table["phi0"].unique()))
    write_parquet(out, table)


def merge_templates(paths, out, settings: dict) -> None:
    """Stack the chunks of the template table; every phi0 of the grid must be there exactly once."""
    table = pd.concat([read_parquet(p) for p in paths], ignore_index=True).sort_values(["phi0", "s"], kind="stable")
    template_settings = TemplateSettings(**settings)
    expected = template_settings.phi0_grid
    per_phi0 = table.groupby("phi0").first()
    if not np.array_equal(per_phi0.index.to_numpy(), expected) or len(table) != len(expected) * template_settings.n_s:
        raise ValueError(f"DARKexp template chunks {list(map(str, paths))} hold phi0 {per_phi0.index.tolist()}, "
                         f"not the configured grid {expected.tolist()}: rerun the sparc_template_chunk jobs")
    log.info("%d phi0 values, %.1f s solver time in all (max %.1f s per phi0)", len(per_phi0),
             per_phi0["solve_seconds"].sum(), per_phi0["solve_seconds"].max())
    write_parquet(out, table.reset_index(drop=True))
