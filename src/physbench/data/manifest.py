"""Dataset manifests: the files of a dataset, their sha256 and their vendored copies.

A dataset entry of ``config.yaml`` (``datasets.<name>``) points at its manifest, a tab-separated
file beside the snapshot, and pins the manifest's own sha256::

    datasets:
      sparc:
        manifest: data/snapshots/sparc/MANIFEST.tsv
        manifest_sha256: 3f5c...
        upstream:
          "Rotmod_LTG/*": {url: http://astroweb.cwru.edu/SPARC/Rotmod_LTG.zip, archive_member: "{name}"}

The manifest has ``#`` comment lines, the header ``file<TAB>sha256<TAB>snapshot`` and one row per
file: ``file`` is its path under ``data/raw/<name>/``, ``sha256`` the checksum of the file as
written there (after decompression), ``snapshot`` the path of its vendored copy relative to the
manifest's folder (a ``.gz`` copy is decompressed; the folder's ``SHA256SUMS`` lists the copies'
own sha256). ``upstream`` maps file names or glob patterns (``*`` and ``?``) to the URL a file is
downloaded from and, for a zip archive, the member holding it; ``{name}`` (the file's base name)
and ``{file}`` (its path) are filled in. A file no pattern matches has no upstream (derived data).

Names are relative paths of plain components (letters, digits, ``_ . + -``; none starting with a
dot, so no ``.`` or ``..``): the schema enforces this on the configuration, this module on every
manifest row, and :func:`physbench.data.pull.pull_dataset` again on every target it writes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath

from physbench.io import write_bytes
from physbench.provenance import dataset_sha256, sha256_bytes

HEADER = ("file", "sha256", "snapshot")
HEADER_LINE = "\t".join(HEADER)
PREAMBLE = (
    "# physbench dataset manifest (physbench.data.manifest), one row per file of data/raw/<dataset>/.\n"
    "# file: path under data/raw/<dataset>/; sha256: of that file as written there (after decompression);\n"
    "# snapshot: its vendored copy, relative to this folder (a .gz is decompressed; SHA256SUMS lists the\n"
    "# copies' own sha256). config.yaml pins this file's sha256 (datasets.<dataset>.manifest_sha256).\n"
)
DATASET_NAME = re.compile(r"[A-Za-z0-9_]+")
FILE_NAME = re.compile(r"[A-Za-z0-9_+-][A-Za-z0-9_.+-]*(/[A-Za-z0-9_+-][A-Za-z0-9_.+-]*)*")
SHA256 = re.compile(r"[0-9a-f]{64}")


class DataError(RuntimeError):
    """A dataset file or manifest is missing, unreadable, unsafe or does not match its checksum."""


def check_dataset_name(name: str) -> str:
    """Return ``name`` if it is a safe dataset name (it names ``data/raw/<name>/`` and a rule), else raise."""
    if not DATASET_NAME.fullmatch(name):
        raise DataError(f"datasets.{name}: the dataset name {name!r} is not allowed; use letters, digits and _ only")
    return name


def check_file_name(name: str, where: str) -> str:
    """Return ``name`` if it is a relative path of plain components, else raise naming ``where``."""
    if not FILE_NAME.fullmatch(name):
        raise DataError(
            f"{where}: file name {name!r} is not allowed; use a relative path of letters, digits and _ . + - "
            "(no absolute path, no component starting with a dot such as '..')"
        )
    return name


@dataclass(frozen=True)
class ManifestEntry:
    """One row of a manifest."""

    file: str  # path under data/raw/<dataset>/
    sha256: str  # of the file as written to data/raw/<dataset>/ (after decompression)
    snapshot: str  # path of the vendored copy (the manifest's folder joined with its snapshot column)
    where: str  # "<manifest>:<line>", for messages


@dataclass(frozen=True)
class Manifest:
    """A parsed manifest: its path, its own sha256 and its rows by file name (sorted)."""

    path: Path
    sha256: str
    entries: dict[str, ManifestEntry]

    @property
    def files(self) -> list[str]:
        """File names under ``data/raw/<dataset>/``, sorted."""
        return list(self.entries)

    @property
    def checksum(self) -> str:
        """One sha256 for the dataset (:func:`physbench.provenance.dataset_sha256` of its files)."""
        return dataset_sha256({file: entry.sha256 for file, entry in self.entries.items()})


def parse_manifest(path: str | os.PathLike, data: bytes) -> Manifest:
    """Parse manifest bytes read from ``path``; every error names the file and line and the fix."""
    path = Path(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise DataError(f"{path}: manifest is not UTF-8 text ({err}); rewrite it as UTF-8") from None
    entries: dict[str, ManifestEntry] = {}
    header_seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        where = f"{path}:{number}"
        fields = line.split("\t")
        if not header_seen:
            if tuple(fields) != HEADER:
                raise DataError(f"{where}: expected the header {HEADER_LINE!r} (tab-separated), got {line!r}")
            header_seen = True
            continue
        if len(fields) != len(HEADER):
            raise DataError(f"{where}: expected {len(HEADER)} tab-separated fields {HEADER}, got {len(fields)}")
        file, sha256, snapshot = fields
        check_file_name(file, f"{where}: column 'file'")
        check_file_name(snapshot, f"{where}: column 'snapshot'")
        if not SHA256.fullmatch(sha256):
            raise DataError(f"{where}: column 'sha256' of {file} is {sha256!r}, not 64 lowercase hex digits")
        if file in entries:
            raise DataError(f"{where}: {file} is listed twice (first at {entries[file].where}); keep one row")
        entries[file] = ManifestEntry(file, sha256, (path.parent / snapshot).as_posix(), where)
    if not entries:
        raise DataError(f"{path}: the manifest lists no files; add the header {HEADER_LINE!r} and one row per file")
    return Manifest(path, sha256_bytes(data), dict(sorted(entries.items())))


def load_manifest(name: str, dataset: Mapping, root: str | os.PathLike = ".") -> Manifest:
    """The manifest of dataset ``name`` (its ``config.yaml`` entry ``dataset``), checked against the
    pinned ``manifest_sha256``. Relative paths are taken from ``root`` (the workflow's directory)."""
    check_dataset_name(name)
    path = Path(root) / dataset["manifest"]
    try:
        data = path.read_bytes()
    except OSError as err:
        raise DataError(f"{path}: manifest of datasets.{name} (key 'manifest') cannot be read: {err}") from None
    manifest = parse_manifest(path, data)
    if manifest.sha256 != dataset["manifest_sha256"]:
        raise DataError(
            f"{path}: sha256 is {manifest.sha256}, but config.yaml datasets.{name}.manifest_sha256 is "
            f"{dataset['manifest_sha256']}. Restore the manifest, or, if it was updated on purpose, set "
            f"datasets.{name}.manifest_sha256: {manifest.sha256}"
        )
    return manifest


def upstream_source(file: str, upstream: Mapping[str, Mapping]) -> tuple[str, str | None] | None:
    """``(url, archive_member)`` of ``file`` from a dataset's ``upstream`` mapping (member None for a
    plain file), or None when no pattern matches it; a file that two patterns match is an error."""
    matches = [pattern for pattern in upstream if fnmatchcase(file, pattern)]
    if not matches:
        return None
    if len(matches) > 1:
        raise DataError(f"{file}: matches several upstream patterns {matches}; make the patterns disjoint")
    spec = upstream[matches[0]]
    fields = {"file": file, "name": PurePosixPath(file).name}
    try:
        url = spec["url"].format_map(fields)
        member = spec["archive_member"].format_map(fields) if spec.get("archive_member") else None
    except (KeyError, ValueError, IndexError) as err:
        raise DataError(
            f"upstream pattern {matches[0]!r}: bad placeholder in {dict(spec)} ({err!r}); only {{name}} and "
            "{file} are filled in"
        ) from None
    return url, member


def write_manifest(path: str | os.PathLike, rows: Iterable[tuple[str, str, str]]) -> str:
    """Write a manifest of ``(file, sha256, snapshot)`` rows to ``path`` atomically (rows sorted by
    file, checked as :func:`parse_manifest` checks them); return its sha256 for ``manifest_sha256``."""
    lines = [PREAMBLE, HEADER_LINE + "\n"]
    lines += ["\t".join(row) + "\n" for row in sorted(rows)]
    data = "".join(lines).encode()
    parse_manifest(path, data)
    write_bytes(path, data)
    return sha256_bytes(data)
