"""LambdaCDM scaling relations of dark-matter halos at z = 0, for priors and reference curves.

- Concentration-mass: Dutton & Maccio (2014), NFW halos at 200 times the critical density,
  log10 c200 = 0.905 - 0.101 log10(M200 / (1e12 h^-1 M_sun)), scatter 0.11 dex.
- Stellar-mass-halo-mass: Moster, Naab & White (2013) abundance matching,
  M_star / M200 = 2 N [(M200 / M1)^-beta + (M200 / M1)^gamma]^-1 with log10 M1 = 11.590,
  N = 0.0351, beta = 1.376, gamma = 0.608; intrinsic scatter about 0.15 dex.
- The cosmic baryon fraction Omega_b / Omega_m, about 0.16.
"""

from __future__ import annotations

import numpy as np

CONCENTRATION_INTERCEPT = 0.905
CONCENTRATION_SLOPE = -0.101
SHM_LOG10_M1 = 11.590
SHM_N = 0.0351
SHM_BETA = 1.376
SHM_GAMMA = 0.608
COSMIC_BARYON_FRACTION = 0.16


def log10_c200(m200_msun, hubble_kms_mpc: float):
    """Median log10 c200 of halos of mass M200 [M_sun] (Dutton & Maccio 2014, z = 0)."""
    h = hubble_kms_mpc / 100.0
    return CONCENTRATION_INTERCEPT + CONCENTRATION_SLOPE * np.log10(m200_msun * h / 1e12)


def log10_stellar_mass(m200_msun):
    """Median log10 M_star [M_sun] of halos of mass M200 [M_sun] (Moster et al. 2013, z = 0)."""
    ratio = m200_msun / 10.0**SHM_LOG10_M1
    return np.log10(m200_msun * 2.0 * SHM_N / (ratio**-SHM_BETA + ratio**SHM_GAMMA))
