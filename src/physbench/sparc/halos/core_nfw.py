"""The coreNFW halo of Read, Agertz & Collins (2016): an NFW halo cored by stellar feedback."""

from __future__ import annotations

import math

import numpy as np

from physbench.sparc.halos import G_KPC_KMS2_PER_MSUN, V200Halo, m200_msun, nfw_mass_shape, r200_kpc

GYR_PER_KPC_S_PER_KM = 3.0856775814913673e16 / 3.15576e16  # 1 kpc / (km/s) in Gyr


class CoreNFW(V200Halo):
    """coreNFW: M(<r) = M_NFW(<r) f^n with f = tanh(r / r_c), in terms of the NFW (V200, c200).

    r_c = eta R_1/2 with eta = 1.75 and R_1/2 = 1.68 R_disk, the half-light radius of an exponential
    disk. n = tanh(kappa t_SF / t_dyn) with kappa = 0.04, t_SF = 14 Gyr (stars forming over a Hubble
    time) and t_dyn = 2 pi sqrt(r_s^3 / (G M_NFW(<r_s))), the circular orbit time at r_s.
    """

    name = "core_nfw"
    needs_baryons = True
    cost = 1.4
    eta = 1.75
    half_light_per_disk_length = 1.68
    kappa = 0.04
    star_formation_gyr = 14.0

    def core_exponent(self, v200, c):
        """n = tanh(kappa t_SF / t_dyn) for V200 [km/s] and c200."""
        r200 = r200_kpc(v200, self.hubble_kms_mpc)
        r_s = r200 / c
        mass_within_r_s = m200_msun(v200, self.hubble_kms_mpc) * nfw_mass_shape(1.0) / nfw_mass_shape(c)
        t_dyn_gyr = 2.0 * math.pi * np.sqrt(r_s**3 / (G_KPC_KMS2_PER_MSUN * mass_within_r_s)) * GYR_PER_KPC_S_PER_KM
        return np.tanh(self.kappa * self.star_formation_gyr / t_dyn_gyr)

    def terms(self, params, baryons=None) -> tuple:
        """(r_s [kpc], V_s^2 [(km/s)^2], r_c [kpc], n): V^2 = V_s^2 m(y) / y f^n at y = r / r_s, as for NFW."""
        v200, c = 10.0 ** params[0], 10.0 ** params[1]
        core_radius = self.eta * self.half_light_per_disk_length * baryons.disk_scale_length_kpc
        return (r200_kpc(v200, self.hubble_kms_mpc) / c, v200**2 * c / nfw_mass_shape(c), core_radius,
                self.core_exponent(v200, c))

    def profile(self, radius_kpc, r_s_kpc, v_s2, core_radius_kpc, exponent) -> np.ndarray:
        y = radius_kpc / r_s_kpc
        return np.sqrt(v_s2 * nfw_mass_shape(y) / y * np.tanh(radius_kpc / core_radius_kpc) ** exponent)
