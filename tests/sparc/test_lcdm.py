"""LambdaCDM relations and priors: published values, the prior's pull, and the config checks."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from physbench.sparc import lcdm
from physbench.sparc.fitting import OptimiserSettings, PriorSettings, RotationCurveFit
from physbench.sparc.halos import G_KPC_KMS2_PER_MSUN as G
from physbench.sparc.halos import make_halo, r200_kpc
from physbench.workflow import ConfigError, check_config

from .test_fitting import synthetic


def test_relations_at_their_pivots():
    h = 0.73
    assert 10 ** lcdm.log10_c200(1e12 / h, 73.0) == pytest.approx(10**0.905)
    # Ten times the mass: 0.101 dex lower concentration.
    assert lcdm.log10_c200(1e13 / h, 73.0) == pytest.approx(0.905 - 0.101)
    m1 = 10**11.590
    assert 10 ** lcdm.log10_stellar_mass(m1) / m1 == pytest.approx(0.0351)
    masses = np.geomspace(1e10, 1e14, 41)
    efficiency = 10 ** lcdm.log10_stellar_mass(masses) / masses
    assert 11.3 < np.log10(masses[np.argmax(efficiency)]) < 12.1  # peak efficiency near 1e11.5-12
    assert 0 < lcdm.COSMIC_BARYON_FRACTION < 0.2


def test_lcdm_priors_pull_c200_towards_the_relation(real_galaxy):
    """A synthetic galaxy whose halo is far less concentrated than the c-M relation."""
    optimiser = OptimiserSettings(popsize=10, maxiter=100, n_starts=3)
    truth = [2.05, 0.45]
    galaxy = synthetic(real_galaxy, RotationCurveFit(make_halo("nfw")), truth)
    offsets = {}
    for prior in ("flat", "lcdm"):
        fit = RotationCurveFit(make_halo("nfw"), PriorSettings(halo_prior=prior), optimiser).fit(galaxy).result_
        params = fit.params()
        v200 = 10 ** params["log10_v200_kms"]
        m200 = v200**2 * r200_kpc(v200) / G
        offsets[prior] = params["log10_c200"] - lcdm.log10_c200(m200, 73.0)
    assert offsets["flat"] < -0.3
    assert abs(offsets["lcdm"]) < abs(offsets["flat"]) - 0.05


def test_lcdm_prior_needs_v200_and_c200(real_galaxy):
    fit = RotationCurveFit(make_halo("burkert"), PriorSettings(halo_prior="lcdm"))
    with pytest.raises(ValueError, match="V200 and c200"):
        fit.fit(real_galaxy)
    with pytest.raises(ValueError, match="halo_prior"):
        PriorSettings(halo_prior="cosmic")


def test_config_checks_of_settings(repo_config):
    check_config(repo_config)
    bad = copy.deepcopy(repo_config)
    bad["studies"]["sparc"]["settings"]["lcdm"]["models"] = ["nfw", "burkert"]
    with pytest.raises(ConfigError, match=r"settings\.lcdm.*burkert"):
        check_config(bad)
    bad["studies"]["sparc"]["settings"]["lcdm"]["models"] = ["nfw", "nfw_typo"]
    with pytest.raises(ConfigError, match="unknown model.*nfw_typo"):
        check_config(bad)
