"""The NFW halo."""

from __future__ import annotations

import numpy as np

from physbench.sparc.halos import V200Halo, nfw_mass_shape, r200_kpc


class NFW(V200Halo):
    """Navarro-Frenk-White: rho = rho_s / [x (1+x)^2], x = r/r_s, in terms of (V200, c200).

    V^2(r) = V200^2 m(c X) / (X m(c)) with X = r/r200 and m(y) = ln(1+y) - y/(1+y).
    """

    name = "nfw"

    def velocity_kms(self, radius_kpc, params, baryons=None) -> np.ndarray:
        v200, c = 10.0 ** params[0], 10.0 ** params[1]
        x = radius_kpc / r200_kpc(v200, self.hubble_kms_mpc)
        return v200 * np.sqrt(nfw_mass_shape(c * x) / (x * nfw_mass_shape(c)))
