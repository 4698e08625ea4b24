"""Dark-matter halo models for rotation-curve fits: circular velocity V_halo(R) in km/s at R in kpc.

Every model has named parameters in fit space (logarithms of scales, shapes as they are), default
bounds (flat priors), and ``velocity_kms(radius_kpc, params)``, which broadcasts: ``radius_kpc`` may
be (n,) with ``params`` of shape (k,), or (m, n) with ``params`` of shape (k, m, 1) to evaluate m
parameter sets at once. :data:`HALO_MODELS` maps config names to classes.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gamma as gamma_function
from scipy.special import gammainc

from physbench.sparc.darkexp import DarkexpTemplates

G_KPC_KMS2_PER_MSUN = 4.30091727e-6  # gravitational constant in kpc (km/s)^2 / M_sun
DEFAULT_HUBBLE_KMS_MPC = 73.0  # SPARC's H0


def r200_kpc(v200_kms, hubble_kms_mpc: float = DEFAULT_HUBBLE_KMS_MPC):
    """Radius enclosing 200 times the critical density: V200 = 10 H0 r200 (H0 in km/s/kpc)."""
    return v200_kms / (10.0 * hubble_kms_mpc * 1e-3)


class HaloModel:
    """Base class: parameter names, default bounds and the circular velocity of the halo."""

    name = "halo"
    param_names: tuple[str, ...] = ()
    default_bounds: dict[str, tuple[float, float]] = {}

    def __init__(self, bounds: dict[str, tuple[float, float]] | None = None):
        bounds = dict(bounds or {})
        unknown = [k for k in bounds if k not in self.param_names]
        if unknown:
            raise KeyError(f"{self.name}: unknown parameter(s) {unknown} in bounds; parameters: {self.param_names}")
        self.bounds = {k: tuple(float(v) for v in bounds.get(k, self.default_bounds[k])) for k in self.param_names}
        for key, (low, high) in self.bounds.items():
            if not low < high:
                raise ValueError(f"{self.name}: bounds of {key} must be increasing, got {low, high}")

    @property
    def n_params(self) -> int:
        return len(self.param_names)

    def velocity_kms(self, radius_kpc, params) -> np.ndarray:
        raise NotImplementedError

    def derived(self, params) -> dict[str, float]:
        """Physical quantities derived from fit parameters (for the parameters table)."""
        return {}


class BaryonsOnly(HaloModel):
    """No dark halo: the baseline in which baryons alone must explain the curve."""

    name = "baryons"

    def velocity_kms(self, radius_kpc, params) -> np.ndarray:
        return np.zeros_like(np.asarray(radius_kpc, dtype=float))


class NFW(HaloModel):
    """Navarro-Frenk-White: rho = rho_s / [x (1+x)^2], x = r/r_s, in terms of (V200, c200).

    V^2(r) = V200^2 m(c X) / (X m(c)) with X = r/r200 and m(y) = ln(1+y) - y/(1+y).
    """

    name = "nfw"
    param_names = ("log10_v200_kms", "log10_c200")
    default_bounds = {"log10_v200_kms": (0.7, 3.0), "log10_c200": (0.0, 2.5)}

    def __init__(self, bounds=None, hubble_kms_mpc: float = DEFAULT_HUBBLE_KMS_MPC):
        super().__init__(bounds)
        self.hubble_kms_mpc = hubble_kms_mpc

    @staticmethod
    def _m(y):
        return np.log1p(y) - y / (1.0 + y)

    def velocity_kms(self, radius_kpc, params) -> np.ndarray:
        v200, c = 10.0 ** params[0], 10.0 ** params[1]
        x = radius_kpc / r200_kpc(v200, self.hubble_kms_mpc)
        return v200 * np.sqrt(self._m(c * x) / (x * self._m(c)))

    def derived(self, params) -> dict[str, float]:
        v200, c = 10.0 ** params[0], 10.0 ** params[1]
        r200 = r200_kpc(v200, self.hubble_kms_mpc)
        return {"r200_kpc": r200, "r_s_kpc": r200 / c, "m200_msun": v200**2 * r200 / G_KPC_KMS2_PER_MSUN}


class Einasto(HaloModel):
    """Einasto: rho = rho_s exp{-(2/alpha)[(r/r_s)^alpha - 1]}, r_s = r_-2, in terms of (V200, c200, alpha).

    M(r) is proportional to the lower incomplete gamma function gamma(3/alpha, (2/alpha)(r/r_s)^alpha),
    so V^2(r) = V200^2 P(3/alpha, (2/alpha)(c X)^alpha) / (X P(3/alpha, (2/alpha) c^alpha)).
    """

    name = "einasto"
    param_names = ("log10_v200_kms", "log10_c200", "alpha")
    default_bounds = {"log10_v200_kms": (0.7, 3.0), "log10_c200": (0.0, 2.5), "alpha": (0.05, 2.0)}

    def __init__(self, bounds=None, hubble_kms_mpc: float = DEFAULT_HUBBLE_KMS_MPC):
        super().__init__(bounds)
        self.hubble_kms_mpc = hubble_kms_mpc

    def velocity_kms(self, radius_kpc, params) -> np.ndarray:
        v200, c, alpha = 10.0 ** params[0], 10.0 ** params[1], params[2]
        x = radius_kpc / r200_kpc(v200, self.hubble_kms_mpc)
        a = 3.0 / alpha
        inside = gammainc(a, (2.0 / alpha) * (c * x) ** alpha)
        total = gammainc(a, (2.0 / alpha) * c**alpha)
        return v200 * np.sqrt(inside / (x * total))

    def derived(self, params) -> dict[str, float]:
        v200, c, alpha = 10.0 ** params[0], 10.0 ** params[1], params[2]
        r200 = r200_kpc(v200, self.hubble_kms_mpc)
        r_s = r200 / c
        m200 = v200**2 * r200 / G_KPC_KMS2_PER_MSUN
        a = 3.0 / alpha
        norm = 4.0 * np.pi * r_s**3 * np.exp(2.0 / alpha) / alpha * (alpha / 2.0) ** a
        rho_s = m200 / (norm * gamma_function(a) * gammainc(a, (2.0 / alpha) * c**alpha))
        return {"r200_kpc": r200, "r_s_kpc": r_s, "m200_msun": m200, "rho_s_msun_kpc3": float(rho_s)}


class Burkert(HaloModel):
    """Burkert: rho = rho0 r_c^3 / [(r + r_c)(r^2 + r_c^2)].

    M(r) = pi rho0 r_c^3 [2 ln(1+x) + ln(1+x^2) - 2 arctan x], x = r/r_c.
    """

    name = "burkert"
    param_names = ("log10_rc_kpc", "log10_rho0_msun_kpc3")
    default_bounds = {"log10_rc_kpc": (-1.5, 2.5), "log10_rho0_msun_kpc3": (4.0, 11.0)}

    def velocity_kms(self, radius_kpc, params) -> np.ndarray:
        rc, rho0 = 10.0 ** params[0], 10.0 ** params[1]
        x = radius_kpc / rc
        mass = np.pi * rho0 * rc**3 * (2.0 * np.log1p(x) + np.log1p(x * x) - 2.0 * np.arctan(x))
        return np.sqrt(G_KPC_KMS2_PER_MSUN * mass / radius_kpc)


class PseudoIsothermal(HaloModel):
    """Pseudo-isothermal sphere: rho = rho0 / [1 + (r/r_c)^2].

    V^2 = 4 pi G rho0 r_c^2 [1 - (r_c/r) arctan(r/r_c)].
    """

    name = "pseudo_isothermal"
    param_names = ("log10_rc_kpc", "log10_rho0_msun_kpc3")
    default_bounds = {"log10_rc_kpc": (-1.5, 2.5), "log10_rho0_msun_kpc3": (4.0, 11.0)}

    def velocity_kms(self, radius_kpc, params) -> np.ndarray:
        rc, rho0 = 10.0 ** params[0], 10.0 ** params[1]
        x = radius_kpc / rc
        return np.sqrt(4.0 * np.pi * G_KPC_KMS2_PER_MSUN * rho0 * rc**2 * (1.0 - np.arctan(x) / x))


class Darkexp(HaloModel):
    """DARKexp halo from the precomputed template table: V = V_max * vhat_phi0(R / r_-2).

    Parameters: the shape phi0, log10 r_-2 [kpc] and log10 V_max [km/s]. The phi0 bounds default to
    the range of the template table. Needs the templates (:class:`DarkexpTemplates`).
    """

    name = "darkexp"
    param_names = ("phi0", "log10_r_minus2_kpc", "log10_vmax_kms")
    default_bounds = {"phi0": (1.0, 8.0), "log10_r_minus2_kpc": (-1.0, 2.5), "log10_vmax_kms": (0.7, 3.0)}

    def __init__(self, templates: DarkexpTemplates, bounds=None):
        bounds = dict(bounds or {})
        low, high = templates.phi0_range
        bounds.setdefault("phi0", (low, high))
        if bounds["phi0"][0] < low - 1e-9 or bounds["phi0"][1] > high + 1e-9:
            raise ValueError(f"darkexp: phi0 bounds {bounds['phi0']} exceed the template table range {low, high}")
        super().__init__(bounds)
        self.templates = templates

    def velocity_kms(self, radius_kpc, params) -> np.ndarray:
        r2, vmax = 10.0 ** params[1], 10.0 ** params[2]
        return vmax * self.templates.v_over_vmax(params[0], radius_kpc / r2)

    def derived(self, params) -> dict[str, float]:
        r2, vmax = 10.0 ** params[1], 10.0 ** params[2]
        return {"mass_total_msun": self.templates.mass_total(params[0], r2, vmax, G_KPC_KMS2_PER_MSUN)}


HALO_MODELS: dict[str, type[HaloModel]] = {
    "baryons": BaryonsOnly,
    "nfw": NFW,
    "burkert": Burkert,
    "pseudo_isothermal": PseudoIsothermal,
    "einasto": Einasto,
    "darkexp": Darkexp,
}
NEEDS_TEMPLATES = {"darkexp"}


def make_halo(kind: str, bounds: dict | None = None, templates: DarkexpTemplates | None = None,
              hubble_kms_mpc: float = DEFAULT_HUBBLE_KMS_MPC) -> HaloModel:
    """Instantiate a halo model from its config name."""
    if kind not in HALO_MODELS:
        raise KeyError(f"unknown halo model {kind!r}; known: {sorted(HALO_MODELS)}")
    if kind in NEEDS_TEMPLATES:
        if templates is None:
            raise ValueError(f"halo model {kind!r} needs the DARKexp template table")
        return Darkexp(templates, bounds)
    if kind in ("nfw", "einasto"):
        return HALO_MODELS[kind](bounds, hubble_kms_mpc=hubble_kms_mpc)
    return HALO_MODELS[kind](bounds)
