"""Dark-matter halo models for rotation-curve fits: circular velocity V_halo(R) in km/s at R in kpc.

Every model has named parameters in fit space (logarithms of scales, shapes as they are), default
bounds (flat priors), and its velocity in two parts: ``terms(params, baryons)``, the quantities of
each parameter set that do not depend on radius (by default the parameters themselves), and
``profile(radius_kpc, *terms)``, the velocity at each radius. A fit computes the terms once per
parameter set and spreads them to its galaxy's points, so what ``terms`` computes costs nothing per
point. ``velocity_kms(radius_kpc, params, baryons)`` composes the two and broadcasts:
``radius_kpc`` may be (n,) with ``params`` of shape (k,), or (m, n) with ``params`` of shape
(k, m, 1) to evaluate m parameter sets at once. Models whose shape depends on the galaxy's stars
(DC14, coreNFW) set ``needs_baryons``: their ``terms`` get :class:`Baryons`.

One class per module of this package, discovered by name (:data:`HALO_MODELS`): a new halo model is
one module holding a :class:`HaloModel` subclass with a ``name``, plus its config entry.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from physbench.plugins import Registry
from physbench.sparc.darkexp import DarkexpTemplates

G_KPC_KMS2_PER_MSUN = 4.30091727e-6  # gravitational constant in kpc (km/s)^2 / M_sun
DEFAULT_HUBBLE_KMS_MPC = 73.0  # SPARC's H0


def r200_kpc(v200_kms, hubble_kms_mpc: float = DEFAULT_HUBBLE_KMS_MPC):
    """Radius enclosing 200 times the critical density: V200 = 10 H0 r200 (H0 in km/s/kpc)."""
    return v200_kms / (10.0 * hubble_kms_mpc * 1e-3)


def m200_msun(v200_kms, hubble_kms_mpc: float = DEFAULT_HUBBLE_KMS_MPC):
    """Mass inside r200: M200 = V200^2 r200 / G."""
    return v200_kms**2 * r200_kpc(v200_kms, hubble_kms_mpc) / G_KPC_KMS2_PER_MSUN


def nfw_mass_shape(y):
    """ln(1 + y) - y / (1 + y): the NFW enclosed mass in units of 4 pi rho_s r_s^3 at y = r / r_s."""
    return np.log1p(y) - y / (1.0 + y)


@dataclass(frozen=True)
class Baryons:
    """The galaxy's stars as some halo models need them, broadcastable against the parameter sets.

    ``stellar_mass_msun``: Y_disk L[3.6] at the fitted distance; ``disk_scale_length_kpc``: the
    exponential disk scale length at the fitted distance.
    """

    stellar_mass_msun: np.ndarray | float
    disk_scale_length_kpc: np.ndarray | float


class HaloModel:
    """Base class: parameter names, default bounds and the circular velocity of the halo.

    ``cost`` is the relative time of a fit and its posterior (NFW = 1, as measured on the full study:
    ``benchmarks/sparc_fit_speed.py --run``) and orders the jobs, the dearest first; a model with
    ``needs_templates`` reads the DARKexp template table, one with ``needs_baryons`` gets
    :class:`Baryons` in :meth:`terms`. Posteriors of several galaxies are
    sampled side by side, and :meth:`profile` runs at every point of every walker, so what does not
    depend on radius belongs in :meth:`terms` (DC14 also reads its enclosed mass from a table).
    """

    name: str
    param_names: tuple[str, ...] = ()
    default_bounds: dict[str, tuple[float, float]] = {}
    cost: float = 1.0
    needs_templates: bool = False
    needs_baryons: bool = False

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

    def terms(self, params, baryons: Baryons | None = None) -> tuple:
        """The radius-independent quantities of each parameter set that :meth:`profile` reads.

        ``params`` (k, ...) holds the k parameters; each term broadcasts like one of them. The
        default is the parameters themselves; a model overrides it to compute per set what would
        otherwise be computed at every point (powers, normalisations, special functions).
        """
        return tuple(params)

    def profile(self, radius_kpc, *terms) -> np.ndarray:
        """V_halo in km/s at ``radius_kpc`` from :meth:`terms`, each broadcastable against the radii."""
        raise NotImplementedError

    def velocity_kms(self, radius_kpc, params, baryons: Baryons | None = None) -> np.ndarray:
        """V_halo in km/s at ``radius_kpc`` for parameters ``params`` (and the stars, if the model needs them)."""
        if self.needs_baryons and baryons is None:
            raise ValueError(f"{self.name} needs the galaxy's stellar mass and disk scale length (baryons=...)")
        return self.profile(radius_kpc, *self.terms(params, baryons))

    def derived(self, params) -> dict[str, float]:
        """Physical quantities derived from fit parameters (for the parameters table)."""
        return {}


class V200Halo(HaloModel):
    """Base of halos parameterised by V200 (the circular velocity at r200) and the concentration c200."""

    param_names = ("log10_v200_kms", "log10_c200")
    default_bounds = {"log10_v200_kms": (0.7, 3.0), "log10_c200": (0.0, 2.5)}

    def derived(self, params) -> dict[str, float]:
        v200, c = 10.0 ** params[0], 10.0 ** params[1]
        r200 = r200_kpc(v200, self.hubble_kms_mpc)
        return {"r200_kpc": r200, "c200": c, "m200_msun": m200_msun(v200, self.hubble_kms_mpc)}


HALO_MODELS = Registry(__name__, HaloModel, "halo model")


def make_halo(kind: str, bounds: dict | None = None, templates: DarkexpTemplates | None = None,
              hubble_kms_mpc: float = DEFAULT_HUBBLE_KMS_MPC) -> HaloModel:
    """Instantiate a halo model from its config name."""
    cls = HALO_MODELS[kind]
    if cls.needs_templates and templates is None:
        raise ValueError(f"halo model {kind!r} needs the DARKexp template table")
    return cls(bounds, hubble_kms_mpc=hubble_kms_mpc, templates=templates)
