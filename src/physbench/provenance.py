"""Fingerprints that tie every number to the code, configuration and data that made it."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import subprocess
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path, PurePath

import physbench

PACKAGE_DIR = Path(physbench.__file__).resolve().parent


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | os.PathLike, chunk_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def canonical_json(obj) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)


def config_hash(obj) -> str:
    """Short sha256 of a JSON-able configuration slice (key order does not matter)."""
    return sha256_bytes(canonical_json(obj).encode())[:16]


def dataset_sha256(checksums: Mapping[str, str]) -> str:
    """One checksum for a dataset: sha256 over ``name:sha256`` lines of its files, in name order."""
    return sha256_bytes("".join(f"{name}:{sha256}\n" for name, sha256 in sorted(checksums.items())).encode())


def module_source(module: str) -> Path | None:
    """The source file of a ``physbench`` module or package (``"physbench.chaos.study"``), else None."""
    parts = module.split(".")
    if parts[0] != PACKAGE_DIR.name:
        return None
    base = PACKAGE_DIR.joinpath(*parts[1:])
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _module_name(source: Path) -> str | None:
    """Dotted name of a source file inside the package (None for a script outside it)."""
    try:
        relative = source.resolve().relative_to(PACKAGE_DIR)
    except ValueError:
        return None
    parts = [PACKAGE_DIR.name, *relative.with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _hashed_name(source: Path) -> str | None:
    """What a fingerprint calls a file of the package: a module's dotted name, a data file's path
    (``physbench/report/templates/study.html.j2``); None for a file outside the package."""
    if source.suffix == ".py":
        return _module_name(source)
    try:
        return PurePath(PACKAGE_DIR.name, source.resolve().relative_to(PACKAGE_DIR)).as_posix()
    except ValueError:
        return None


def imported_modules(source: Path) -> set[str]:
    """The ``physbench`` modules that ``source`` imports anywhere in its body (top level or inside
    functions), with the packages they live in (importing ``a.b.c`` runs ``a`` and ``a.b`` too).

    ``from physbench.x import y`` counts ``physbench.x.y`` when ``y`` is a module. Imports made at run
    time by name (the plug-in registries' discovery) are not seen: plug-ins are fingerprinted one by
    one (:func:`code_fingerprint` of the plug-in's module).
    """
    stat = source.stat()
    return set(_imported_modules(str(source), stat.st_mtime_ns, stat.st_size))


@cache
def _imported_modules(path: str, mtime_ns: int, size: int) -> frozenset[str]:
    """:func:`imported_modules` of one version of a file (cached on its path, mtime and size)."""
    source = Path(path)
    name = _module_name(source)
    package = name if source.name == "__init__.py" else (name.rpartition(".")[0] if name else None)
    found: set[str] = set()
    for node in ast.walk(ast.parse(source.read_bytes(), filename=str(source))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = (package or "").split(".")[: len((package or "").split(".")) - node.level + 1]
                base = ".".join(filter(None, [*anchor, base]))
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for target in targets:
            parts = target.split(".")
            found.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return frozenset(module for module in found if module_source(module) is not None)


def code_closure(*entries: str | os.PathLike) -> list[Path]:
    """Source files that ``entries`` run: each entry (a file such as a rule's script, or a dotted
    ``physbench`` module name), every ``physbench`` module it imports, transitively, and the
    :func:`package_data` of the packages among them."""
    pending = []
    for entry in entries:
        source = module_source(entry) if isinstance(entry, str) and not entry.endswith(".py") else Path(entry)
        if source is None or not source.is_file():
            raise FileNotFoundError(f"code_closure: {entry} is neither a file nor a module under {PACKAGE_DIR}")
        pending.append(source.resolve())
    seen: set[Path] = set()
    while pending:
        source = pending.pop()
        if source not in seen:
            seen.add(source)
            pending.extend(module_source(module).resolve() for module in imported_modules(source))
    packages = [source.parent for source in seen if source.name == "__init__.py" and _module_name(source)]
    return sorted(seen.union(*(package_data(package) for package in packages)))


def package_data(package: Path) -> list[Path]:
    """Files other than Python source that a package of physbench holds for its modules to read (the
    report's templates): the files under its folder, outside its subpackages and hidden files."""
    found = []
    for folder, folders, files in os.walk(package):
        folders[:] = [name for name in folders if name != "__pycache__" and not name.startswith(".")
                      and not (Path(folder) / name / "__init__.py").is_file()]
        found += [Path(folder) / name for name in files if not name.endswith((".py", ".pyc", "~"))
                  and not name.startswith(".")]
    return found


def code_fingerprint(*entries: str | os.PathLike) -> str:
    """sha256 over the source of :func:`code_closure` of ``entries`` (a rule's script, a plug-in's module).

    Rules carry this in ``params:`` so that editing any code they run reruns them, and nothing else
    does. It hashes content, not mtimes: a checkout that rewrites files unchanged reruns nothing.
    """
    # Files outside the package (a rule's script) first, then the package's modules and data files by
    # their path in the package: like the names hashed, the order does not depend on where the files live (a clone,
    # a copy of the package on PYTHONPATH).
    named = [(_hashed_name(source), source) for source in code_closure(*entries)]
    named.sort(key=lambda item: (item[0] is not None,
                                 item[1].relative_to(PACKAGE_DIR) if item[0] else PurePath(item[1].name)))
    digest = hashlib.sha256()
    for name, source in named:
        digest.update((name or source.name).encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


@cache
def git_revision(cwd: str | None = None) -> str | None:
    """Current git commit (with ``-dirty`` when tracked files are modified), or None outside git."""
    try:
        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, check=True)
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=cwd, capture_output=True, text=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return rev.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


@dataclass(frozen=True)
class Provenance:
    """What every metrics row records about its origin."""

    package_version: str
    config_hash: str
    data_sha256: str
    git_revision: str | None

    @classmethod
    def for_job(cls, config_slice, data_sha256: str) -> Provenance:
        return cls(physbench.__version__, config_hash(config_slice), data_sha256, git_revision())

    def as_dict(self) -> dict:
        return asdict(self)
