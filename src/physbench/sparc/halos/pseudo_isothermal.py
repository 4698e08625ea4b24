"""The pseudo-isothermal cored halo."""

from __future__ import annotations

import numpy as np

from physbench.sparc.halos import G_KPC_KMS2_PER_MSUN, HaloModel


class PseudoIsothermal(HaloModel):
    """Pseudo-isothermal sphere: rho = rho0 / [1 + (r/r_c)^2].

    V^2 = 4 pi G rho0 r_c^2 [1 - (r_c/r) arctan(r/r_c)].
    """

    name = "pseudo_isothermal"
    param_names = ("log10_rc_kpc", "log10_rho0_msun_kpc3")
    default_bounds = {"log10_rc_kpc": (-1.5, 2.5), "log10_rho0_msun_kpc3": (4.0, 11.0)}
    cost = 1.2

    def terms(self, params, baryons=None) -> tuple:
        """(r_c [kpc], V_inf^2 = 4 pi G rho0 r_c^2 [(km/s)^2])."""
        rc, rho0 = 10.0 ** params[0], 10.0 ** params[1]
        return rc, 4.0 * np.pi * G_KPC_KMS2_PER_MSUN * rho0 * rc**2

    def profile(self, radius_kpc, rc_kpc, v_inf2) -> np.ndarray:
        x = radius_kpc / rc_kpc
        return np.sqrt(v_inf2 * (1.0 - np.arctan(x) / x))
