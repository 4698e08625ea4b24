"""The NFW halo."""

from __future__ import annotations

import numpy as np

from physbench.sparc.halos import V200Halo, nfw_mass_shape, r200_kpc


class NFW(V200Halo):
    """Navarro-Frenk-White: rho = rho_s / [x (1+x)^2], x = r/r_s, in terms of (V200, c200).

    V^2(r) = V200^2 m(c X) / (X m(c)) with X = r/r200 and m(y) = ln(1+y) - y/(1+y), that is
    V^2 = V_s^2 m(y) / y with y = r / r_s, r_s = r200 / c and V_s^2 = V200^2 c / m(c) = 4 pi G rho_s r_s^2.
    """

    name = "nfw"

    def terms(self, params, baryons=None) -> tuple:
        """(r_s [kpc], V_s^2 [(km/s)^2])."""
        v200, c = 10.0 ** params[0], 10.0 ** params[1]
        return r200_kpc(v200, self.hubble_kms_mpc) / c, v200**2 * c / nfw_mass_shape(c)

    def profile(self, radius_kpc, r_s_kpc, v_s2) -> np.ndarray:
        y = radius_kpc / r_s_kpc
        return np.sqrt(v_s2 * nfw_mass_shape(y) / y)
