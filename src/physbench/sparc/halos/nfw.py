"""The NFW halo."""

from __future__ import annotations

import numpy as np

from physbench.sparc.halos import G_KPC_KMS2_PER_MSUN, HaloModel, r200_kpc


class NFW(HaloModel):
    """Navarro-Frenk-White: rho = rho_s / [x (1+x)^2], x = r/r_s, in terms of (V200, c200).

    V^2(r) = V200^2 m(c X) / (X m(c)) with X = r/r200 and m(y) = ln(1+y) - y/(1+y).
    """

    name = "nfw"
    param_names = ("log10_v200_kms", "log10_c200")
    default_bounds = {"log10_v200_kms": (0.7, 3.0), "log10_c200": (0.0, 2.5)}

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
