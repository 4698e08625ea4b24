"""envs/*.yaml (conda environments per rule family) agree with the pinned dependencies.

conda cannot be reached here, so the files are checked against requirements.lock, pyproject.toml
and the package's imports instead of being built.
"""

import ast
import re
import sys
import tomllib
from importlib import metadata

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO

PACKAGE = REPO / "src/physbench"
BASE = {"pip", "setuptools", "wheel"}  # come with every Python environment; not in requirements.lock
# Rule family -> the package modules its jobs start from (their physbench imports are followed).
FAMILIES = {
    "data": ["data"],
    "supercon": ["supercon"],
    "chaos": ["chaos", "dysts_benchmark"],
    "sparc": ["sparc"],
    "report": ["report", "compare"],
}


def lock(file: str = "requirements.lock") -> dict[str, str]:
    """name -> version of the ``name==version`` lines of a requirements file (hashes and comments skipped)."""
    found = {}
    for line in (REPO / file).read_text().splitlines():
        if "==" in line and not line.lstrip().startswith(("#", "--")):
            name, version = line.split()[0].split("==")
            found[canonicalize_name(name)] = version
    return found


def env_pins(family: str) -> tuple[dict, dict[str, str]]:
    env = yaml.safe_load((REPO / f"envs/{family}.yaml").read_text())
    pip = next(item["pip"] for item in env["dependencies"] if isinstance(item, dict))
    pins = {}
    for line in pip:
        name, version = line.split("==")
        pins[canonicalize_name(name)] = version
    return env, pins


def module_files(module: str):
    target = PACKAGE / module
    return sorted(target.rglob("*.py")) if target.is_dir() else [target.with_suffix(".py")]


def third_party_imports(start: list[str]) -> set[str]:
    """Top-level third-party modules imported at module level by ``start`` and the physbench modules they import."""
    seen, todo, found = set(), list(start), set()
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        for file in module_files(module):
            for node in ast.parse(file.read_text()).body:
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
                for name in names:
                    if name.startswith("physbench."):
                        todo.append(name.removeprefix("physbench.").replace(".", "/"))
                    elif name != "physbench" and name.split(".")[0] not in sys.stdlib_module_names:
                        found.add(name.split(".")[0])
    return found


def test_every_family_has_an_environment():
    assert sorted(p.stem for p in (REPO / "envs").glob("*.yaml")) == sorted(FAMILIES)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_environment_pins_equal_the_lock_file(family):
    env, pins = env_pins(family)
    python = next(item for item in env["dependencies"] if isinstance(item, str) and item.startswith("python="))
    requires = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"]
    assert re.search(rf">={re.escape(python.split('=')[1])}\b", requires), (python, requires)
    locked = lock()
    assert {name: locked.get(name) for name in pins} == pins
    direct = {canonicalize_name(Requirement(r).name): Requirement(r).specifier
              for r in tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]}
    for name, version in pins.items():
        if name in direct:
            assert version in direct[name], (name, version, direct[name])


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_environment_is_closed_under_dependencies(family):
    """Every dependency of a pinned package is pinned too (read from the installed, locked packages)."""
    _, pins = env_pins(family)
    provided = pins.keys() | BASE
    missing = {}
    for name in pins:
        for requirement in map(Requirement, metadata.requires(name) or []):
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue
            if canonicalize_name(requirement.name) not in provided:
                missing.setdefault(name, []).append(requirement.name)
    assert missing == {}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_environment_provides_every_import_of_its_code(family):
    _, pins = env_pins(family)
    distributions = metadata.packages_distributions()
    imports = third_party_imports(FAMILIES[family])
    missing = sorted(m for m in imports
                     if not any(canonicalize_name(d) in pins for d in distributions.get(m, [m])))
    assert imports and missing == []
