"""DARKexp self-consistent solver: analytic round trips and the research note's checkpoints (sections 1.7-1.9)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from physbench.sparc.darkexp import (
    DarkexpTemplates,
    RadialGrid,
    TemplateSettings,
    build_template_table,
    build_templates,
    density_from_df,
    density_of_states,
    merge_templates,
    poisson,
    solve_darkexp,
    solve_self_consistent,
    template_rows,
)

# phi0: (r_-2 [G M beta], slope at 0.1 r_-2, V_c/V_max at r/r_-2 = 0.1, 1, 10); G = M = beta = 1.
CHECKPOINTS = {
    1.0: (0.4796, -0.11, 0.195, 0.916, 0.718),
    2.0: (0.2283, -0.59, 0.287, 0.929, 0.746),
    3.0: (0.1448, -1.03, 0.408, 0.944, 0.776),
    4.0: (0.1045, -1.37, 0.539, 0.959, 0.803),
    5.0: (0.0828, -1.62, 0.668, 0.972, 0.825),
    8.0: (0.0632, -1.95, 0.913, 0.992, 0.848),
}
GRID = RadialGrid(n=1200)


@pytest.fixture(scope="module")
def solutions():
    return {phi0: solve_darkexp(phi0, GRID, tol=1e-9) for phi0 in CHECKPOINTS}


def hernquist(grid: RadialGrid):
    """psi, analytic g(E), f(E) and rho of the G = M = a = 1 Hernquist sphere (Hernquist 1990)."""
    r = grid.r
    psi = 1.0 / (1.0 + r)
    q = np.sqrt(psi)
    g = (2 * math.sqrt(2) * math.pi**2 / (3 * q**5)) * (
        3 * (8 * q**4 - 4 * q**2 + 1) * np.arccos(q) - q * np.sqrt(1 - q**2) * (4 * q**2 - 1) * (2 * q**2 + 3))
    f = (1 / (8 * math.sqrt(2) * math.pi**3) / (1 - q**2) ** 2.5
         * (3 * np.arcsin(q) + q * np.sqrt(1 - q**2) * (1 - 2 * q**2) * (8 * q**4 - 8 * q**2 - 3)))
    rho = 1.0 / (2 * math.pi * r * (1 + r) ** 3)
    return psi, g, f, rho


def test_hernquist_quadratures_match_the_analytic_sphere():
    grid = RadialGrid(r_min=1e-8, r_max=1e8, n=1600)
    psi, g_exact, f_exact, rho_exact = hernquist(grid)
    inside = (grid.r > 1e-3) & (grid.r < 1e3)
    g = density_of_states(psi, grid)
    assert np.max(np.abs(g[inside] / g_exact[inside] - 1)) < 2e-3
    rho = density_from_df(psi, f_exact, grid)
    assert np.max(np.abs(rho[inside] / rho_exact[inside] - 1)) < 2e-3
    psi_poisson, mass, total = poisson(rho_exact, grid)
    assert np.max(np.abs(psi_poisson[inside] / psi[inside] - 1)) < 1e-4
    assert total == pytest.approx(1.0, abs=1e-9)
    assert mass[inside][-1] == pytest.approx(1e3**2 / (1 + 1e3) ** 2, rel=1e-3)


def test_plummer_energy_distribution_iterates_to_plummer_from_a_hernquist_start():
    grid = RadialGrid(r_min=1e-8, r_max=1e8, n=1200)
    r = grid.r
    psi_plummer = 1.0 / np.sqrt(1.0 + r**2)
    f_plummer = 24 * math.sqrt(2) / (7 * math.pi**3) * psi_plummer**3.5
    n_plummer = f_plummer * density_of_states(psi_plummer, grid)
    log_e, log_n = np.log(psi_plummer[::-1]), np.log(np.maximum(n_plummer, 1e-300))[::-1]

    def energy_distribution(eps):
        return np.where(eps <= 1.0, np.exp(np.interp(np.log(np.maximum(eps, 1e-300)), log_e, log_n)), 0.0)

    solution = solve_self_consistent(energy_distribution, 1.0 / (1.0 + r), grid, tol=1e-10)
    inside = (r > 1e-3) & (r < 1e3)
    assert np.max(np.abs(solution.psi[inside] / psi_plummer[inside] - 1)) < 2e-3
    rho_plummer = 3 / (4 * math.pi) * (1 + r**2) ** -2.5
    assert np.max(np.abs(solution.rho[inside & (r < 1e2)] / rho_plummer[inside & (r < 1e2)] - 1)) < 1e-2
    assert solution.lam == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("phi0", sorted(CHECKPOINTS))
def test_checkpoints(solutions, phi0):
    sol = solutions[phi0]
    r2_ref, slope_ref, *v_ref = CHECKPOINTS[phi0]
    r2 = sol.r_minus2()
    assert r2 == pytest.approx(r2_ref, rel=0.02)
    x = np.log(sol.r / r2)
    slope = np.interp(math.log(0.1), x, sol.slope())
    # The note quotes slopes to two decimals: 2 % or half the last digit plus 1e-3, whichever is larger.
    assert abs(slope - slope_ref) <= max(0.02 * abs(slope_ref), 0.006)
    v = sol.vc / sol.vc.max()
    for s, ref in zip((0.1, 1.0, 10.0), v_ref):
        assert np.interp(math.log(s), x, v) == pytest.approx(ref, rel=0.02)


def check_physics(sol, phi0: float, virial_tolerance: float = 1e-3) -> None:
    assert sol.total_mass == pytest.approx(1.0, abs=2e-4)
    # psi(0) settles at phi0 by itself (slightly deeper in the cored regime phi0 < 2.07: 2.2 % at 0.1).
    assert sol.psi[0] == pytest.approx(phi0, rel=0.025 if phi0 < 2.07 else 1e-4)
    assert sol.lam == pytest.approx(1.0, abs=1e-6)
    # Virial identity: W = -(2/3) M <eps> / beta with <eps> from the closed-form moments of N(eps).
    assert sol.virial_ratio(phi0) == pytest.approx(1.0, abs=virial_tolerance)
    # Outer slope tends to -4.
    r2 = sol.r_minus2()
    assert np.interp(math.log(1e4), np.log(sol.r / r2), sol.slope()) == pytest.approx(-4.0, abs=0.05)


@pytest.mark.parametrize("phi0", sorted(CHECKPOINTS))
def test_physics_of_the_converged_halo(solutions, phi0):
    check_physics(solutions[phi0], phi0)


def test_the_template_range_edges_are_genuine_solutions():
    """The default grid spans phi0 0.1-12.1: both ends converge to DARKexp halos (coarse grid here)."""
    settings = TemplateSettings()
    edges = {phi0: solve_darkexp(phi0, RadialGrid(n=600), tol=1e-9) for phi0 in (settings.phi0_min, settings.phi0_max)}
    for phi0, sol in edges.items():
        check_physics(sol, phi0, virial_tolerance=3e-3)
    # The low edge is more extended and cored: r_-2 (units of G M beta) grows as phi0 falls.
    assert edges[0.1].r_minus2() > 10 * edges[12.1].r_minus2()


def test_rescaling_is_not_needed_cusp_at_phi0_4(solutions):
    """The exact phi0 = 4 halo is cuspy: slope -0.76 at 0.01 r_-2 (a rescaled iteration gives -0.33)."""
    sol = solutions[4.0]
    slope = np.interp(math.log(0.01), np.log(sol.r / sol.r_minus2()), sol.slope())
    assert slope == pytest.approx(-0.76, abs=0.02)


def test_template_table_and_interpolator():
    settings = TemplateSettings(phi0_min=3.0, phi0_max=6.0, phi0_step=0.5, n_radial=600, tol=1e-8, n_s=401)
    table = build_template_table(settings)
    assert sorted(table["phi0"].unique()) == [3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0]
    templates = DarkexpTemplates(table)
    s = np.array([0.1, 1.0, 10.0])
    assert templates.v_over_vmax(4.0, s) == pytest.approx(CHECKPOINTS[4.0][2:], rel=0.01)
    assert templates.v_over_vmax(4.0, np.array([1.0]))[0] <= 1.0
    # Between grid values the spline agrees with a direct solve.
    direct = template_rows(4.25, settings)
    ref = np.interp(np.log(s), np.log(direct["s"]), direct["v_over_vmax"])
    assert templates.v_over_vmax(4.25, s) == pytest.approx(ref, rel=3e-3)
    # Vectorised over halos: (m, 1) phi0 with (m, n) radii.
    many = templates.v_over_vmax(np.array([[4.0], [4.25]]), np.vstack([s, s]))
    assert many[1] == pytest.approx(templates.v_over_vmax(4.25, s))
    # rho_-2 r_-2^3 / M from the note: 0.0081 at phi0 = 4.
    scalars = table.groupby("phi0").first()
    assert scalars.loc[4.0, "rho_minus2_r_minus2_cubed"] == pytest.approx(0.0081, rel=0.03)
    assert scalars.loc[4.0, "vmax2_r_minus2"] == pytest.approx(0.091, rel=0.02)


def test_template_chunks_merge_into_the_whole_grid_or_fail_naming_the_gap(tmp_path):
    settings = {"phi0_min": 3.0, "phi0_max": 5.0, "phi0_step": 1.0, "n_radial": 600, "tol": 1e-8, "n_s": 101}
    paths = [tmp_path / f"chunk{chunk}.parquet" for chunk in range(2)]
    for chunk, path in enumerate(paths):
        build_templates(path, settings, chunk, 2)
    assert sorted(pd.read_parquet(paths[0])["phi0"].unique()) == [3.0, 4.0]  # contiguous slices: 2 + 1
    merged = tmp_path / "templates.parquet"
    merge_templates(paths[::-1], merged, settings)
    whole = build_template_table(TemplateSettings(**settings))
    pd.testing.assert_frame_equal(pd.read_parquet(merged).drop(columns="solve_seconds"),
                                  whole.drop(columns="solve_seconds"))
    with pytest.raises(ValueError, match=r"chunk0\.parquet.*phi0 \[3\.0, 4\.0\].*grid \[3\.0, 4\.0, 5\.0\]"):
        merge_templates(paths[:1], tmp_path / "partial.parquet", settings)
    assert not (tmp_path / "partial.parquet").exists()
