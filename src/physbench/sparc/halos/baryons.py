"""The baryons-only baseline (no dark halo)."""

from __future__ import annotations

import numpy as np

from physbench.sparc.halos import HaloModel


class BaryonsOnly(HaloModel):
    """No dark halo: the baseline in which baryons alone must explain the curve."""

    name = "baryons"
    cost = 0.4

    def profile(self, radius_kpc) -> np.ndarray:
        return np.zeros_like(np.asarray(radius_kpc, dtype=float))
