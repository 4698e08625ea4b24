"""Tabulated enclosed-mass profiles, for halos whose mass needs a costly special function.

Such a halo has a mass profile M(y; shape) in y = r / r_s with one shape parameter (DC14: X =
log M_star / M_halo). Stacked posteriors evaluate it at every point of every walker, where DC14's
hyp2f1 costs up to tens of microseconds a value at r >> r_s; the table costs a fraction of a
microsecond. (Einasto's gammainc, at about 0.1 us a value, is cheaper than the table.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LogMassTable:
    """ln M on a regular grid of the shape parameter and of ln y, with its exact slopes d ln M / d ln y.

    Evaluated cubic Hermite in ln y, linear in the shape parameter (clamped to the grid) and linear
    beyond the ln y range (the power-law asymptotes of the mass).
    """

    shape: np.ndarray  # (n_shape,), evenly spaced
    ln_y: np.ndarray  # (n_y,), evenly spaced
    log_mass: np.ndarray  # (n_shape, n_y)
    slope: np.ndarray  # (n_shape, n_y)

    def __call__(self, shape, ln_y) -> np.ndarray:
        """ln M at broadcastable ``shape`` and ``ln_y``; NaN where either is NaN."""
        shape_step, y_step = self.shape[1] - self.shape[0], self.ln_y[1] - self.ln_y[0]
        x = (np.clip(shape, self.shape[0], self.shape[-1]) - self.shape[0]) / shape_step
        u = (np.asarray(ln_y) - self.ln_y[0]) / y_step
        with np.errstate(invalid="ignore"):  # NaN inputs give NaN (any index, a NaN weight)
            row = np.clip(np.asarray(x).astype(np.intp), 0, len(self.shape) - 2)
            column = np.clip(np.floor(u).astype(np.intp), 0, len(self.ln_y) - 2)
        weight = x - row
        s = np.clip(u - column, 0.0, 1.0)
        beyond = (u - column - s) * y_step  # ln y past the grid: linear extrapolation
        h00, h01 = (1 + 2 * s) * (1 - s) ** 2, s * s * (3 - 2 * s)
        h10, h11 = s * (1 - s) ** 2 * y_step, s * s * (s - 1) * y_step

        def hermite(r):
            m0, m1 = self.slope[r, column], self.slope[r, column + 1]
            return (h00 * self.log_mass[r, column] + h10 * m0 + h01 * self.log_mass[r, column + 1] + h11 * m1
                    + beyond * np.where(beyond < 0, m0, m1))

        return (1.0 - weight) * hermite(row) + weight * hermite(row + 1)


def grid(low: float, high: float, step: float) -> np.ndarray:
    """Evenly spaced values from ``low`` to ``high`` (both included), about ``step`` apart."""
    return np.linspace(low, high, max(2, round((high - low) / step) + 1))
