"""Halo circular velocities against analytic values and direct integrals of their densities."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from physbench.sparc.darkexp import DarkexpTemplates, TemplateSettings, build_template_table
from physbench.sparc.halos import G_KPC_KMS2_PER_MSUN as G
from physbench.sparc.halos import HALO_MODELS, make_halo, r200_kpc
from physbench.sparc.halos.burkert import Burkert
from physbench.sparc.halos.einasto import Einasto
from physbench.sparc.halos.nfw import NFW
from physbench.sparc.halos.pseudo_isothermal import PseudoIsothermal


def enclosed_mass(density, radius_kpc):
    return quad(lambda r: 4 * math.pi * r**2 * density(r), 0, radius_kpc, limit=200)[0]


def test_r200_follows_v200_equals_10_h0_r200():
    # H0 = 73 km/s/Mpc = 0.073 km/s/kpc: r200 = V200 / 0.73.
    assert r200_kpc(146.0) == pytest.approx(200.0)


def test_nfw_vmax_at_2_163_scale_radii():
    halo = NFW()
    v200, c = 150.0, 10.0
    params = np.array([math.log10(v200), math.log10(c)])
    r_s = r200_kpc(v200) / c
    radius = np.geomspace(0.1, 100.0, 20001) * r_s
    v = halo.velocity_kms(radius, params)
    assert radius[np.argmax(v)] / r_s == pytest.approx(2.16258, rel=2e-3)
    m = math.log1p(c) - c / (1 + c)
    assert v.max() / v200 == pytest.approx(math.sqrt(0.216217 * c / m), rel=1e-4)
    assert halo.velocity_kms(np.array([r200_kpc(v200)]), params)[0] == pytest.approx(v200)


def test_burkert_and_pseudo_isothermal_match_their_densities():
    rc, rho0 = 3.0, 2e7  # kpc, M_sun/kpc^3
    params = np.array([math.log10(rc), math.log10(rho0)])
    radius = np.array([0.5, 3.0, 20.0])
    burkert = Burkert().velocity_kms(radius, params)
    piso = PseudoIsothermal().velocity_kms(radius, params)
    for r, vb, vp in zip(radius, burkert, piso):
        mb = enclosed_mass(lambda x: rho0 * rc**3 / ((x + rc) * (x * x + rc * rc)), r)
        mp = enclosed_mass(lambda x: rho0 / (1 + (x / rc) ** 2), r)
        assert vb == pytest.approx(math.sqrt(G * mb / r), rel=1e-6)
        assert vp == pytest.approx(math.sqrt(G * mp / r), rel=1e-6)
    # Asymptotically flat pseudo-isothermal curve: V -> sqrt(4 pi G rho0) r_c.
    far = PseudoIsothermal().velocity_kms(np.array([1e6]), params)[0]
    assert far == pytest.approx(math.sqrt(4 * math.pi * G * rho0) * rc, rel=1e-4)


def test_einasto_matches_its_density_and_v200():
    halo = Einasto()
    v200, c, alpha = 120.0, 8.0, 0.17
    params = np.array([math.log10(v200), math.log10(c), alpha])
    derived = halo.derived(params)
    r_s, rho_s = derived["r_s_kpc"], derived["rho_s_msun_kpc3"]
    for r in (1.0, 10.0, 60.0):
        mass = enclosed_mass(lambda x: rho_s * math.exp(-(2 / alpha) * ((x / r_s) ** alpha - 1)), r)
        assert halo.velocity_kms(np.array([r]), params)[0] == pytest.approx(math.sqrt(G * mass / r), rel=1e-5)
    assert halo.velocity_kms(np.array([derived["r200_kpc"]]), params)[0] == pytest.approx(v200)


def test_darkexp_halo_peaks_at_vmax():
    table = build_template_table(TemplateSettings(phi0_min=2.0, phi0_max=5.0, phi0_step=1.0, n_radial=600,
                                                  tol=1e-8, n_s=801))
    halo = make_halo("darkexp", templates=DarkexpTemplates(table))
    assert halo.bounds["phi0"] == (2.0, 5.0)
    params = np.array([3.0, math.log10(5.0), math.log10(80.0)])
    radius = np.geomspace(0.05, 500, 4000)
    v = halo.velocity_kms(radius, params)
    s_vmax = table.groupby("phi0").first().loc[3.0, "s_vmax"]
    assert v.max() == pytest.approx(80.0, rel=2e-3)
    assert radius[np.argmax(v)] / 5.0 == pytest.approx(s_vmax, rel=0.03)


def test_registry_and_broadcasting():
    assert set(HALO_MODELS) == {"baryons", "nfw", "burkert", "pseudo_isothermal", "einasto", "darkexp"}
    halo = make_halo("nfw", bounds={"log10_c200": (0.5, 2.0)})
    assert halo.bounds["log10_c200"] == (0.5, 2.0)
    radius = np.array([1.0, 5.0, 20.0])
    stacked = np.array([[[2.0], [2.2]], [[1.0], [1.1]]])  # (k, m, 1): two parameter sets
    many = halo.velocity_kms(radius[None, :], stacked)
    assert many.shape == (2, 3)
    assert many[1] == pytest.approx(halo.velocity_kms(radius, np.array([2.2, 1.1])))
    with pytest.raises(KeyError, match="unknown parameter"):
        make_halo("burkert", bounds={"alpha": (0, 1)})
    with pytest.raises(ValueError, match="template"):
        make_halo("darkexp")
