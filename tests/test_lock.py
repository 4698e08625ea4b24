"""The hashed lock files agree with the pins they are generated from (`make lock`)."""

import re

import pytest

from tests.cluster.test_envs import lock
from tests.conftest import REPO


def test_lock_pins_exactly_the_input():
    """A pin edited in requirements.in without `make lock`, or a dependency left unpinned there, fails here."""
    assert lock("requirements.lock") == lock("requirements.in")


def test_pip_lock_pins_the_makefile_version():
    version = re.search(r"^PIP_VERSION\s*:=\s*(\S+)", (REPO / "Makefile").read_text(), re.M)[1]
    assert lock("requirements-pip.lock") == {"pip": version}


@pytest.mark.parametrize("file", ["requirements.lock", "requirements-pip.lock"])
def test_every_pin_has_a_hash(file):
    requirements = [line for line in (REPO / file).read_text().replace("\\\n", " ").splitlines()
                    if "==" in line and not line.lstrip().startswith("#")]
    assert requirements and [r.split()[0] for r in requirements if "--hash=sha256:" not in r] == []
