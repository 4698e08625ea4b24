"""Fingerprints that tie every number to the code, configuration and data that made it."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

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


def dataset_sha256(files: dict) -> str:
    """One checksum for a dataset: sha256 over its files' declared sha256s in name order."""
    return sha256_bytes("".join(f"{name}:{spec['sha256']}\n" for name, spec in sorted(files.items())).encode())


def code_fingerprint(*modules: str, files: tuple[str | os.PathLike, ...] = ()) -> str:
    """sha256 over the source of package modules or sub-packages (e.g. ``"supercon"``, ``"metrics"``)
    and of further ``files`` (a rule's script).

    Rules carry this in ``params:`` so that editing the code they run reruns them. It hashes content,
    not mtimes: a checkout that rewrites files without changing them reruns nothing.
    """
    digest = hashlib.sha256()
    for module in sorted(set(modules)):
        target = PACKAGE_DIR.joinpath(*module.split("."))
        sources = sorted(target.rglob("*.py")) if target.is_dir() else [target.with_suffix(".py")]
        if not sources or not sources[0].exists():
            raise FileNotFoundError(f"code_fingerprint: no module physbench.{module} under {PACKAGE_DIR}")
        for source in sources:
            digest.update(str(source.relative_to(PACKAGE_DIR)).encode())
            digest.update(source.read_bytes())
    for file in files:
        digest.update(Path(file).name.encode())
        digest.update(Path(file).read_bytes())
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
