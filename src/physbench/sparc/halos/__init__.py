"""Dark-matter halo models for rotation-curve fits: circular velocity V_halo(R) in km/s at R in kpc.

Every model has named parameters in fit space (logarithms of scales, shapes as they are), default
bounds (flat priors), and ``velocity_kms(radius_kpc, params)``, which broadcasts: ``radius_kpc`` may
be (n,) with ``params`` of shape (k,), or (m, n) with ``params`` of shape (k, m, 1) to evaluate m
parameter sets at once.

One class per module of this package, discovered by name (:data:`HALO_MODELS`): a new halo model is
one module holding a :class:`HaloModel` subclass with a ``name``, plus its config entry.
"""

from __future__ import annotations

import numpy as np

from physbench.plugins import Registry
from physbench.sparc.darkexp import DarkexpTemplates

G_KPC_KMS2_PER_MSUN = 4.30091727e-6  # gravitational constant in kpc (km/s)^2 / M_sun
DEFAULT_HUBBLE_KMS_MPC = 73.0  # SPARC's H0


def r200_kpc(v200_kms, hubble_kms_mpc: float = DEFAULT_HUBBLE_KMS_MPC):
    """Radius enclosing 200 times the critical density: V200 = 10 H0 r200 (H0 in km/s/kpc)."""
    return v200_kms / (10.0 * hubble_kms_mpc * 1e-3)


class HaloModel:
    """Base class: parameter names, default bounds and the circular velocity of the halo.

    ``cost`` is the relative fit time (NFW = 1) and orders the jobs; a model with
    ``needs_templates`` reads the DARKexp template table.
    """

    name: str
    param_names: tuple[str, ...] = ()
    default_bounds: dict[str, tuple[float, float]] = {}
    cost: float = 1.0
    needs_templates: bool = False

    def __init__(self, bounds: dict[str, tuple[float, float]] | None = None,
                 hubble_kms_mpc: float = DEFAULT_HUBBLE_KMS_MPC, templates: DarkexpTemplates | None = None):
        self.hubble_kms_mpc, self.templates = hubble_kms_mpc, templates
        bounds = dict(bounds or {})
        unknown = [k for k in bounds if k not in self.param_names]
        if unknown:
            raise KeyError(f"{self.name}: unknown parameter(s) {unknown} in bounds; parameters: {self.param_names}")
        self.bounds = {k: tuple(float(v) for v in bounds.get(k, self.default_bounds[k])) for k in self.param_names}
        for key, (low, high) in self.bounds.items():
            if not low < high:
                raise ValueError(f"{self.name}: bounds of {key} must be increasing, got {low, high}")

    @property
    def n_params(self) -> int:
        return len(self.param_names)

    def velocity_kms(self, radius_kpc, params) -> np.ndarray:
        raise NotImplementedError

    def derived(self, params) -> dict[str, float]:
        """Physical quantities derived from fit parameters (for the parameters table)."""
        return {}


HALO_MODELS = Registry(__name__, HaloModel, "halo model")


def make_halo(kind: str, bounds: dict | None = None, templates: DarkexpTemplates | None = None,
              hubble_kms_mpc: float = DEFAULT_HUBBLE_KMS_MPC) -> HaloModel:
    """Instantiate a halo model from its config name."""
    cls = HALO_MODELS[kind]
    if cls.needs_templates and templates is None:
        raise ValueError(f"halo model {kind!r} needs the DARKexp template table")
    return cls(bounds, hubble_kms_mpc=hubble_kms_mpc, templates=templates)
