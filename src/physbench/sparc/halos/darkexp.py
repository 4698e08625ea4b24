"""The DARKexp halo (maximum-entropy energy distribution), from the template table."""

from __future__ import annotations

import numpy as np

from physbench.sparc.darkexp import DarkexpTemplates
from physbench.sparc.halos import DEFAULT_HUBBLE_KMS_MPC, G_KPC_KMS2_PER_MSUN, HaloModel


class Darkexp(HaloModel):
    """DARKexp halo from the precomputed template table: V = V_max * vhat_phi0(R / r_-2).

    Parameters: the shape phi0, log10 r_-2 [kpc] and log10 V_max [km/s]. The phi0 bounds default to
    the range of the template table. Needs the templates (:class:`DarkexpTemplates`).
    """

    name = "darkexp"
    param_names = ("phi0", "log10_r_minus2_kpc", "log10_vmax_kms")
    default_bounds = {"phi0": (0.1, 12.1), "log10_r_minus2_kpc": (-1.0, 2.5), "log10_vmax_kms": (0.7, 3.0)}

    needs_templates = True
    cost = 2.7

    def __init__(self, bounds=None, hubble_kms_mpc: float = DEFAULT_HUBBLE_KMS_MPC,
                 templates: DarkexpTemplates | None = None):
        if templates is None:
            raise ValueError("darkexp needs the DARKexp template table (templates=...)")
        bounds = dict(bounds or {})
        low, high = templates.phi0_range
        bounds.setdefault("phi0", (low, high))
        if bounds["phi0"][0] < low - 1e-9 or bounds["phi0"][1] > high + 1e-9:
            raise ValueError(f"darkexp: phi0 bounds {bounds['phi0']} exceed the template table range {low, high}")
        super().__init__(bounds, hubble_kms_mpc, templates)

    def terms(self, params, baryons=None) -> tuple:
        """(phi0, r_-2 [kpc], V_max [km/s])."""
        return params[0], 10.0 ** params[1], 10.0 ** params[2]

    def profile(self, radius_kpc, phi0, r_minus2_kpc, vmax_kms) -> np.ndarray:
        return vmax_kms * self.templates.v_over_vmax(phi0, radius_kpc / r_minus2_kpc)

    def derived(self, params) -> dict[str, float]:
        r2, vmax = 10.0 ** params[1], 10.0 ** params[2]
        return {"mass_total_msun": self.templates.mass_total(params[0], r2, vmax, G_KPC_KMS2_PER_MSUN)}
