"""The Einasto halo."""

from __future__ import annotations

import numpy as np
from scipy.special import gamma as gamma_function
from scipy.special import gammainc

from physbench.sparc.halos import G_KPC_KMS2_PER_MSUN, HaloModel, r200_kpc


class Einasto(HaloModel):
    """Einasto: rho = rho_s exp{-(2/alpha)[(r/r_s)^alpha - 1]}, r_s = r_-2, in terms of (V200, c200, alpha).

    M(r) is proportional to the lower incomplete gamma function gamma(3/alpha, (2/alpha)(r/r_s)^alpha),
    so V^2(r) = V200^2 P(3/alpha, (2/alpha)(c X)^alpha) / (X P(3/alpha, (2/alpha) c^alpha)), that is
    V^2 = V_s^2 P(3/alpha, (2/alpha) y^alpha) / y at y = r / r_s with V_s^2 = V200^2 c / P(3/alpha, (2/alpha) c^alpha).
    """

    name = "einasto"
    param_names = ("log10_v200_kms", "log10_c200", "alpha")
    default_bounds = {"log10_v200_kms": (0.7, 3.0), "log10_c200": (0.0, 2.5), "alpha": (0.05, 2.0)}
    cost = 3.5

    def terms(self, params, baryons=None) -> tuple:
        """(r_s [kpc], V_s^2 [(km/s)^2], alpha)."""
        v200, c, alpha = 10.0 ** params[0], 10.0 ** params[1], params[2]
        v_s2 = v200**2 * c / gammainc(3.0 / alpha, (2.0 / alpha) * c**alpha)
        return r200_kpc(v200, self.hubble_kms_mpc) / c, v_s2, alpha

    def profile(self, radius_kpc, r_s_kpc, v_s2, alpha) -> np.ndarray:
        y = radius_kpc / r_s_kpc
        return np.sqrt(v_s2 * gammainc(3.0 / alpha, (2.0 / alpha) * y**alpha) / y)

    def derived(self, params) -> dict[str, float]:
        v200, c, alpha = 10.0 ** params[0], 10.0 ** params[1], params[2]
        r200 = r200_kpc(v200, self.hubble_kms_mpc)
        r_s = r200 / c
        m200 = v200**2 * r200 / G_KPC_KMS2_PER_MSUN
        a = 3.0 / alpha
        norm = 4.0 * np.pi * r_s**3 * np.exp(2.0 / alpha) / alpha * (alpha / 2.0) ** a
        rho_s = m200 / (norm * gamma_function(a) * gammainc(a, (2.0 / alpha) * c**alpha))
        return {"r200_kpc": r200, "r_s_kpc": r_s, "m200_msun": m200, "rho_s_msun_kpc3": float(rho_s)}
