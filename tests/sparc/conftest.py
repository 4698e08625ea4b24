"""Fixtures of the SPARC tests: a real galaxy and the repository's configuration."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from physbench.sparc.data import read_galaxy_table, read_rotmod, rotmod_path
from physbench.sparc.fitting import Galaxy

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT = REPO / "data" / "snapshots" / "sparc"


@pytest.fixture(scope="module")
def sparc_table():
    """SPARC Table 1 of the vendored snapshot."""
    return read_galaxy_table(SNAPSHOT / "SPARC_Lelli2016c.mrt")


@pytest.fixture(scope="module")
def real_galaxy() -> Galaxy:
    """NGC2403 (73 points, no bulge) with its Table 1 quantities."""
    table = read_galaxy_table(SNAPSHOT / "SPARC_Lelli2016c.mrt")
    return Galaxy.from_table(read_rotmod(rotmod_path(SNAPSHOT, "NGC2403")), table.loc["NGC2403"])


@pytest.fixture()
def repo_config() -> dict:
    return yaml.safe_load((REPO / "config.yaml").read_text())
