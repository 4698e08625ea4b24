"""The Lucky13 halo of Li et al. (2020)."""

from __future__ import annotations

import numpy as np

from physbench.sparc.halos import V200Halo, r200_kpc


def lucky13_mass_shape(y):
    """ln(1 + y) + 2 / (1 + y) - 1 / (2 (1 + y)^2) - 3/2: the enclosed mass in units of 4 pi rho_s r_s^3."""
    return np.log1p(y) + 2.0 / (1.0 + y) - 0.5 / (1.0 + y) ** 2 - 1.5


class Lucky13(V200Halo):
    """Lucky13, the (alpha, beta, gamma) = (1, 3, 0) profile: rho = rho_s / (1 + x)^3, x = r / r_s.

    The density has a core, and its logarithmic slope is -2 at r_-2 = 2 r_s. As for the other halos
    the concentration is c200 = r200 / r_-2 (so the LambdaCDM c-M prior means the same), hence
    V^2(r) = V200^2 m(2 c X) / (X m(2 c)), X = r / r200, with m from :func:`lucky13_mass_shape`.
    """

    name = "lucky13"

    def terms(self, params, baryons=None) -> tuple:
        """(r_s [kpc], V_s^2 = V200^2 (2 c) / m(2 c) [(km/s)^2]): V^2 = V_s^2 m(y) / y at y = r / r_s."""
        v200, c = 10.0 ** params[0], 10.0 ** params[1]
        return r200_kpc(v200, self.hubble_kms_mpc) / (2.0 * c), v200**2 * 2.0 * c / lucky13_mass_shape(2.0 * c)

    def profile(self, radius_kpc, r_s_kpc, v_s2) -> np.ndarray:
        y = radius_kpc / r_s_kpc
        return np.sqrt(v_s2 * lucky13_mass_shape(y) / y)
