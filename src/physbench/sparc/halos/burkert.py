"""The Burkert cored halo."""

from __future__ import annotations

import numpy as np

from physbench.sparc.halos import G_KPC_KMS2_PER_MSUN, HaloModel


class Burkert(HaloModel):
    """Burkert: rho = rho0 r_c^3 / [(r + r_c)(r^2 + r_c^2)].

    M(r) = pi rho0 r_c^3 [2 ln(1+x) + ln(1+x^2) - 2 arctan x], x = r/r_c.
    """

    name = "burkert"
    param_names = ("log10_rc_kpc", "log10_rho0_msun_kpc3")
    default_bounds = {"log10_rc_kpc": (-1.5, 2.5), "log10_rho0_msun_kpc3": (4.0, 11.0)}
    cost = 1.5

    def terms(self, params, baryons=None) -> tuple:
        """(r_c [kpc], pi G rho0 r_c^3 [kpc (km/s)^2])."""
        rc, rho0 = 10.0 ** params[0], 10.0 ** params[1]
        return rc, np.pi * G_KPC_KMS2_PER_MSUN * rho0 * rc**3

    def profile(self, radius_kpc, rc_kpc, g_mass_scale) -> np.ndarray:
        x = radius_kpc / rc_kpc
        return np.sqrt(g_mass_scale * (2.0 * np.log1p(x) + np.log1p(x * x) - 2.0 * np.arctan(x)) / radius_kpc)
