"""Halo circular velocities against analytic values and direct integrals of their densities."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from physbench.sparc.darkexp import DarkexpTemplates, TemplateSettings, build_template_table
from physbench.sparc.halos import G_KPC_KMS2_PER_MSUN as G
from physbench.sparc.halos import HALO_MODELS, Baryons, make_halo, nfw_mass_shape, r200_kpc
from physbench.sparc.halos import dc14 as dc14_module
from physbench.sparc.halos.burkert import Burkert
from physbench.sparc.halos.core_nfw import CoreNFW
from physbench.sparc.halos.dc14 import DC14, dc14_shape, double_power_law_mass_shape, log_mass_shape
from physbench.sparc.halos.einasto import Einasto
from physbench.sparc.halos.lucky13 import Lucky13
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
    assert set(HALO_MODELS) == {"baryons", "nfw", "burkert", "pseudo_isothermal", "einasto", "darkexp", "dc14",
                                "core_nfw", "lucky13"}
    halo = make_halo("nfw", bounds={"log10_c200": (0.5, 2.0)})
    assert halo.bounds["log10_c200"] == (0.5, 2.0)
    radius = np.array([1.0, 5.0, 20.0])
    stacked = np.array([[[2.0], [2.2]], [[1.0], [1.1]]])  # (k, m, 1): two parameter sets
    many = halo.velocity_kms(radius[None, :], stacked)
    assert many.shape == (2, 3)
    assert many[1] == pytest.approx(halo.velocity_kms(radius, np.array([2.2, 1.1])))
    # Halos that read the stars take one stellar mass per parameter set.
    stars = Baryons(stellar_mass_msun=np.array([[1e9], [3e9]]), disk_scale_length_kpc=2.0)
    for kind in ("dc14", "core_nfw"):
        many = make_halo(kind).velocity_kms(radius[None, :], stacked, stars)
        one = make_halo(kind).velocity_kms(radius, np.array([2.2, 1.1]), Baryons(3e9, 2.0))
        assert many[1] == pytest.approx(one, rel=1e-12), kind
    with pytest.raises(KeyError, match="unknown parameter"):
        make_halo("burkert", bounds={"alpha": (0, 1)})
    with pytest.raises(ValueError, match="template"):
        make_halo("darkexp")


def test_lucky13_matches_its_density_and_published_mass():
    """rho = rho_s / (1 + x)^3 integrated numerically, and the closed form at a few radii."""
    halo = Lucky13()
    v200, c = 110.0, 6.0
    params = np.array([math.log10(v200), math.log10(c)])
    r200 = r200_kpc(v200)
    r_s = r200 / (2 * c)  # c200 = r200 / r_-2 and r_-2 = 2 r_s
    y = r200 / r_s
    mass200 = v200**2 * r200 / G
    rho_s = mass200 / (4 * math.pi * r_s**3 * (math.log(1 + y) + 2 / (1 + y) - 0.5 / (1 + y) ** 2 - 1.5))
    for r in (0.3, 2.0, 15.0, 80.0):
        mass = enclosed_mass(lambda x: rho_s / (1 + x / r_s) ** 3, r)
        assert halo.velocity_kms(np.array([r]), params)[0] == pytest.approx(math.sqrt(G * mass / r), rel=1e-7)
    assert halo.velocity_kms(np.array([r200]), params)[0] == pytest.approx(v200)
    # A core: the inner circular velocity rises linearly, V ~ r sqrt(4 pi G rho_s / 3).
    inner = 1e-3 * r_s
    assert halo.velocity_kms(np.array([inner]), params)[0] == pytest.approx(
        inner * math.sqrt(4 * math.pi * G * rho_s / 3), rel=1e-2)


@pytest.mark.parametrize("shape", [(1.0, 3.0, 1.0), (1.0, 3.0, 0.0), (2.0, 3.2, 0.3), (1.5, 2.6, 0.8),
                                   (0.8, 2.4, 0.1)])
def test_double_power_law_mass_matches_the_integral_of_its_density(shape):
    alpha, beta, gamma = shape
    for y in (0.01, 0.5, 3.0, 40.0):
        integral = quad(lambda x: x ** (2 - gamma) * (1 + x**alpha) ** (-(beta - gamma) / alpha), 0, y,
                        limit=200)[0]
        assert double_power_law_mass_shape(y, alpha, beta, gamma) == pytest.approx(integral, rel=1e-8)
    # (1, 3, 1) is NFW.
    y = np.geomspace(1e-3, 1e3, 13)
    assert np.allclose(double_power_law_mass_shape(y, 1.0, 3.0, 1.0), nfw_mass_shape(y), rtol=1e-10)


def test_dc14_mass_table_matches_the_hypergeometric_form():
    rng = np.random.default_rng(3)
    # Beyond the fitted X range too (clamped), and the whole ln(r / r_s) range of SPARC fits.
    log_ratio, ln_y = rng.uniform(-4.5, -1.0, 20000), rng.uniform(-12.0, 9.0, 20000)
    alpha, beta, gamma, _ = dc14_shape(log_ratio)
    exact = np.log(double_power_law_mass_shape(np.exp(ln_y), alpha, beta, gamma))
    assert np.max(np.abs(log_mass_shape(log_ratio, ln_y) - exact)) < 1e-4
    # Past the table's ln y range: the power-law asymptote M ~ y^(3 - gamma) / (3 - gamma).
    alpha, beta, gamma, _ = dc14_shape(-2.0)
    assert log_mass_shape(-2.0, -20.0) == pytest.approx(-20.0 * (3 - gamma) - math.log(3 - gamma), abs=1e-6)
    assert np.isnan(log_mass_shape(np.nan, 1.0)) and np.isnan(log_mass_shape(-2.0, np.nan))


def test_dc14_reduces_to_nfw_with_nfw_shape(monkeypatch):
    """With (alpha, beta, gamma) = (1, 3, 1) and c_DC14 = c200, DC14 is NFW."""
    monkeypatch.setattr(dc14_module, "dc14_shape", lambda log_ratio: (1.0, 3.0, 1.0, 1.0))
    monkeypatch.setattr(dc14_module, "log_mass_shape", lambda log_ratio, ln_y: np.log(nfw_mass_shape(np.exp(ln_y))))
    params = np.array([math.log10(130.0), math.log10(9.0)])
    radius = np.geomspace(0.1, 200.0, 25)
    baryons = Baryons(stellar_mass_msun=1e10, disk_scale_length_kpc=3.0)
    assert np.allclose(DC14().velocity_kms(radius, params, baryons), NFW().velocity_kms(radius, params),
                       rtol=1e-10)


def test_dc14_shape_follows_the_stellar_to_halo_mass_ratio():
    # Published behaviour: close to NFW (1, 3, 1) at the lowest ratio, the shallowest inner slope
    # near X = -2.7, cuspier again towards the highest ratio.
    grid = np.array([-4.1, -3.5, -3.0, -2.7, -2.3, -2.0, -1.3])
    alpha, beta, gamma, ratio = dc14_shape(grid)
    assert (alpha[0], beta[0], gamma[0]) == pytest.approx((1.0, 3.0, 1.0), abs=0.12)
    assert grid[np.argmin(gamma)] == -2.7 and gamma[-1] > 1.0
    assert np.all(np.diff(ratio) > 0) and ratio[0] == pytest.approx(1.0, abs=1e-3)
    # Clamped outside the fitted range.
    assert np.allclose(np.array(dc14_shape(-6.0)), np.array(dc14_shape(-4.1)))
    # The profile's logarithmic slope is -2 at r_-2 = r200 / c_DC14, and V(r200) = V200.
    halo = DC14()
    v200, c = 80.0, 10.0
    params = np.array([math.log10(v200), math.log10(c)])
    r200 = r200_kpc(v200)
    stellar_mass = 10 ** -2.7 * v200**2 * r200 / G
    baryons = Baryons(stellar_mass_msun=stellar_mass, disk_scale_length_kpc=2.0)
    assert halo.velocity_kms(np.array([r200]), params, baryons)[0] == pytest.approx(v200)
    alpha, beta, gamma, ratio = dc14_shape(-2.7)
    r_minus2 = r200 / (c * ratio)
    radius = r_minus2 * np.array([0.999, 1.001])
    mass = (halo.velocity_kms(radius, params, baryons) ** 2 * radius / G)
    # dM/dr = 4 pi r^2 rho: slope of ln rho from two mass derivatives around r_-2.
    eps = 1e-3
    r3 = r_minus2 * np.array([1 - 2 * eps, 1, 1 + 2 * eps])
    m3 = halo.velocity_kms(r3, params, baryons) ** 2 * r3 / G
    rho_lo = (m3[1] - m3[0]) / (r3[1] - r3[0]) / (4 * math.pi * ((r3[0] + r3[1]) / 2) ** 2)
    rho_hi = (m3[2] - m3[1]) / (r3[2] - r3[1]) / (4 * math.pi * ((r3[1] + r3[2]) / 2) ** 2)
    slope = math.log(rho_hi / rho_lo) / math.log(((r3[1] + r3[2]) / 2) / ((r3[0] + r3[1]) / 2))
    assert slope == pytest.approx(-2.0, abs=1e-3)
    assert mass[1] > mass[0]
    with pytest.raises(ValueError, match="stellar mass"):
        halo.velocity_kms(radius, params)


def test_core_nfw_is_nfw_without_star_formation_and_far_out():
    params = np.array([math.log10(70.0), math.log10(12.0)])
    radius = np.geomspace(0.05, 100.0, 30)
    baryons = Baryons(stellar_mass_msun=1e8, disk_scale_length_kpc=1.5)

    class NoStarFormation(CoreNFW):
        star_formation_gyr = 0.0

    nfw = NFW().velocity_kms(radius, params)
    assert np.allclose(NoStarFormation().velocity_kms(radius, params, baryons), nfw, rtol=1e-12)
    cored = CoreNFW().velocity_kms(radius, params, baryons)
    n = CoreNFW().core_exponent(70.0, 12.0)
    assert 0 < n <= 1
    assert np.all(cored <= nfw + 1e-12)
    core_radius = 1.75 * 1.68 * 1.5
    assert cored[radius > 10 * core_radius] == pytest.approx(nfw[radius > 10 * core_radius], rel=1e-6)
    assert cored[0] / nfw[0] == pytest.approx(math.tanh(radius[0] / core_radius) ** (n / 2), rel=1e-9)
