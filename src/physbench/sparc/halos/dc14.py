"""The DC14 halo of Di Cintio et al. (2014): a double power law whose shape follows M_star / M_halo."""

from __future__ import annotations

import numpy as np
from scipy.special import hyp2f1

from physbench.sparc.halos import V200Halo, m200_msun, r200_kpc

# The stellar-to-halo mass ratio range of the simulations the relations were fitted to; outside
# it the ratio is clamped to the nearest edge.
LOG_RATIO_RANGE = (-4.1, -1.3)


def double_power_law_mass_shape(y, alpha, beta, gamma):
    """Integral of x^(2 - gamma) (1 + x^alpha)^(-(beta - gamma) / alpha) from 0 to y.

    The enclosed mass of rho = rho_s / [x^gamma (1 + x^alpha)^((beta - gamma) / alpha)] in units of
    4 pi rho_s r_s^3. With t = y^alpha / (1 + y^alpha) it is an incomplete beta integral,
    (1 / alpha) t^a / a 2F1(a, 1 - b; a + 1; t) with a = (3 - gamma) / alpha, b = (beta - 3) / alpha,
    which holds for beta <= 3 too, where the total mass diverges.
    """
    a = (3.0 - gamma) / alpha
    b = (beta - 3.0) / alpha
    y_alpha = y**alpha
    t = y_alpha / (1.0 + y_alpha)
    return t**a / (a * alpha) * hyp2f1(a, 1.0 - b, a + 1.0, t)


def dc14_shape(log_ratio):
    """(alpha, beta, gamma, c_DC14 / c_NFW) at X = log10(M_star / M_halo), clamped to the fitted range."""
    x = np.clip(log_ratio, *LOG_RATIO_RANGE)
    alpha = 2.94 - np.log10((10.0 ** (x + 2.33)) ** -1.08 + (10.0 ** (x + 2.33)) ** 2.29)
    beta = 4.23 + 1.34 * x + 0.26 * x**2
    gamma = -0.06 + np.log10((10.0 ** (x + 2.56)) ** -0.68 + 10.0 ** (x + 2.56))
    concentration_ratio = 1.0 + 0.00003 * np.exp(3.4 * (x + 4.5))
    return alpha, beta, gamma, concentration_ratio


class DC14(V200Halo):
    """DC14: rho = rho_s / [x^gamma (1 + x^alpha)^((beta - gamma) / alpha)], x = r / r_s.

    (alpha, beta, gamma) follow X = log10(M_star / M200) (:func:`dc14_shape`), with M_star = Y_disk
    L[3.6] from the fit. Parameters (V200, c200) with c200 the NFW-equivalent concentration:
    r_-2 = r200 / c_DC14, c_DC14 = c200 (1 + 3e-5 exp(3.4 (X + 4.5))), and
    r_s = r_-2 [(beta - 2) / (2 - gamma)]^(1 / alpha).
    """

    name = "dc14"
    needs_baryons = True
    # hyp2f1 at r200 (t near 1) costs about 25 us per value: once per parameter set, not per point.
    stack_posteriors = False
    cost = 12.8

    def _profile(self, params, baryons):
        v200, c = 10.0 ** params[0], 10.0 ** params[1]
        r200 = r200_kpc(v200, self.hubble_kms_mpc)
        m200 = m200_msun(v200, self.hubble_kms_mpc)
        alpha, beta, gamma, concentration_ratio = dc14_shape(np.log10(baryons.stellar_mass_msun / m200))
        r_minus2 = r200 / (c * concentration_ratio)
        r_s = r_minus2 * ((beta - 2.0) / (2.0 - gamma)) ** (1.0 / alpha)
        return v200, r200, r_s, alpha, beta, gamma

    def velocity_kms(self, radius_kpc, params, baryons=None) -> np.ndarray:
        if baryons is None:
            raise ValueError("dc14 needs the galaxy's stellar mass (baryons=...)")
        v200, r200, r_s, alpha, beta, gamma = self._profile(params, baryons)
        inside = double_power_law_mass_shape(radius_kpc / r_s, alpha, beta, gamma)
        total = double_power_law_mass_shape(r200 / r_s, alpha, beta, gamma)
        return v200 * np.sqrt(inside / total * r200 / radius_kpc)
