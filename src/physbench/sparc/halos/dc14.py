"""The DC14 halo of Di Cintio et al. (2014): a double power law whose shape follows M_star / M_halo."""

from __future__ import annotations

import functools

import numpy as np
from scipy.integrate import cumulative_simpson
from scipy.special import hyp2f1

from physbench.sparc.halos import V200Halo, m200_msun, r200_kpc
from physbench.sparc.mass_table import LogMassTable, grid

# The stellar-to-halo mass ratio range of the simulations the relations were fitted to; outside
# it the ratio is clamped to the nearest edge.
LOG_RATIO_RANGE = (-4.1, -1.3)
# The enclosed-mass table (:func:`log_mass_shape`): steps in X and in ln(r / r_s), and the ln(r / r_s)
# range, wide enough for every radius and bound of a SPARC fit (about -12 to 11).
TABLE_LOG_RATIO_STEP = 0.002
TABLE_LN_Y_STEP = 0.05
TABLE_LN_Y_RANGE = (-14.0, 14.0)


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


@functools.cache
def log_mass_table() -> LogMassTable:
    """ln of :func:`double_power_law_mass_shape` for the DC14 shape, on a grid of X and ln(r / r_s).

    Integrated in ln y with Simpson's rule on a 10x finer grid, from the hypergeometric value at the
    smallest y (where it is fast and exact); built once per process, in about 2 s. It agrees with
    the hypergeometric form to about 3e-5 in ln M.
    """
    refine = 10
    ln_y = grid(*TABLE_LN_Y_RANGE, TABLE_LN_Y_STEP / refine)
    log_ratio = grid(*LOG_RATIO_RANGE, TABLE_LOG_RATIO_STEP)
    alpha, beta, gamma, _ = (np.asarray(v)[:, None] for v in dc14_shape(log_ratio))
    # dM / d ln y = y^(3 - gamma) (1 + y^alpha)^(-(beta - gamma) / alpha)
    log_integrand = (3.0 - gamma) * ln_y - (beta - gamma) / alpha * np.logaddexp(0.0, alpha * ln_y)
    mass = double_power_law_mass_shape(np.exp(ln_y[0]), alpha, beta, gamma) + cumulative_simpson(
        np.exp(log_integrand), x=ln_y, axis=1, initial=0.0)
    log_mass = np.log(mass)
    return LogMassTable(log_ratio, ln_y[::refine], log_mass[:, ::refine], np.exp(log_integrand - log_mass)[:, ::refine])


def log_mass_shape(log_ratio, ln_y):
    """ln of :func:`double_power_law_mass_shape` at y = exp(ln_y) for the DC14 shape at X = ``log_ratio``
    (clamped to the fitted range), from :func:`log_mass_table`."""
    return log_mass_table()(log_ratio, ln_y)


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
    r_s = r_-2 [(beta - 2) / (2 - gamma)]^(1 / alpha). The enclosed mass comes from a table in
    (X, ln r / r_s) (:func:`log_mass_shape`).
    """

    name = "dc14"
    needs_baryons = True
    cost = 3.0

    def terms(self, params, baryons=None) -> tuple:
        """(X, ln r_s [kpc], ln(V200^2 r200 / M(r200))): V^2(r) = exp(ln M(r) + that) / r, M in the
        units of :func:`double_power_law_mass_shape`."""
        v200, c = 10.0 ** params[0], 10.0 ** params[1]
        r200 = r200_kpc(v200, self.hubble_kms_mpc)
        log_ratio = np.log10(baryons.stellar_mass_msun / m200_msun(v200, self.hubble_kms_mpc))
        alpha, beta, gamma, concentration_ratio = dc14_shape(log_ratio)
        r_minus2 = r200 / (c * concentration_ratio)
        ln_r_s = np.log(r_minus2) + np.log((beta - 2.0) / (2.0 - gamma)) / alpha
        ln_r200 = np.log(r200)
        return log_ratio, ln_r_s, 2.0 * np.log(v200) + ln_r200 - log_mass_shape(log_ratio, ln_r200 - ln_r_s)

    def profile(self, radius_kpc, log_ratio, ln_r_s_kpc, ln_norm) -> np.ndarray:
        ln_radius = np.log(radius_kpc)
        return np.exp(0.5 * (log_mass_shape(log_ratio, ln_radius - ln_r_s_kpc) + ln_norm - ln_radius))
