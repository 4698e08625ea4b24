"""Next-generation reservoir computing (NVAR)."""

from __future__ import annotations

import itertools
from functools import lru_cache

import numpy as np

from physbench.chaos.forecasters._delay import RidgeDelayMap


@lru_cache(maxsize=64)
def _monomials(n_linear: int, degree: int) -> tuple[np.ndarray, ...]:
    return tuple(np.array(list(itertools.combinations_with_replacement(range(n_linear), p))).T
                 for p in range(2, degree + 1))


class NVAR(RidgeDelayMap):
    """Next-generation reservoir computer (Gauthier et al. 2021): ridge on [1, taps, monomials of taps].

    ``degree`` 2 adds all unique pairwise products of the tap entries, 3 also the triple products.
    """

    name = "nvar"
    cost = 3.0

    def __init__(self, taps: int = 2, spacing: int = 1, degree: int = 3, alpha: float = 1e-9):
        self.taps, self.spacing, self.degree, self.alpha = taps, spacing, degree, alpha

    def _features(self, taps):
        parts = [np.ones((len(taps), 1)), taps]
        for index in _monomials(taps.shape[1], int(self.degree)):
            parts.append(np.prod(taps[:, index], axis=1))  # index: (degree, n_monomials)
        return np.concatenate(parts, axis=1)
