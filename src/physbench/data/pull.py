"""Pull a declared dataset into ``data/raw/<dataset>/``.

A dataset is declared in ``config.yaml`` (``datasets.<name>``) as a mapping of file names to
``{sha256, snapshot, url, archive_member}``. The file is read from the vendored snapshot
(default, offline) or downloaded from its upstream URL (retried with back-off), decompressed or
extracted from a zip archive when needed, and its sha256 is verified. All files are verified
before any is written, and each is written atomically: a failed pull leaves nothing behind.
"""

from __future__ import annotations

import gzip
import io
import logging
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import requests

from physbench.io import write_bytes
from physbench.provenance import sha256_bytes

log = logging.getLogger(__name__)


class DataError(RuntimeError):
    """A dataset file is missing, unreadable or does not match its declared checksum."""


def download(url: str, retries: int = 3, timeout_s: float = 60.0, backoff_s: float = 1.0) -> bytes:
    """GET ``url`` with retries; a short read (fewer bytes than Content-Length) counts as a failure."""
    last_error: Exception | None = None
    for attempt in range(1, retries + 1):
        try:
            response = requests.get(url, timeout=timeout_s)
            response.raise_for_status()
            data = response.content
            expected = response.headers.get("Content-Length")
            if expected is not None and "Content-Encoding" not in response.headers and int(expected) != len(data):
                raise DataError(f"{url}: truncated download, {len(data)} of {expected} bytes")
            return data
        except (requests.RequestException, DataError) as err:
            last_error = err
            log.warning("download %s failed (attempt %d/%d): %s", url, attempt, retries, err)
            if attempt < retries:
                time.sleep(backoff_s * 2 ** (attempt - 1))
    raise DataError(f"{url}: download failed after {retries} attempts: {last_error}")


def _decode(name: str, data: bytes, source: str, member: str | None) -> bytes:
    """Extract ``member`` from a zip, or gunzip a ``.gz`` source when the target is not ``.gz``."""
    try:
        if member is not None:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return archive.read(member)
        if source.endswith(".gz") and not name.endswith(".gz"):
            return gzip.decompress(data)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as err:
        raise DataError(f"{source}: cannot extract {member or name}: {err}") from err
    return data


def fetch_file(
    name: str,
    spec: dict,
    source: str,
    snapshot_dir: Path,
    fetch: Callable[[str], bytes],
) -> bytes:
    """Return the verified bytes of one declared file from the snapshot or upstream."""
    if source == "snapshot":
        origin = str(snapshot_dir / spec["snapshot"])
        try:
            raw = Path(origin).read_bytes()
        except OSError as err:
            raise DataError(f"{origin}: snapshot file of {name} cannot be read: {err}") from err
        data = _decode(name, raw, origin, None)
    elif source == "upstream":
        origin = spec.get("url")
        if not origin:
            raise DataError(
                f"{name}: no upstream URL declared (it is derived data); use data.source: snapshot for this dataset"
            )
        data = _decode(name, fetch(origin), origin, spec.get("archive_member"))
    else:
        raise DataError(f"data.source must be 'snapshot' or 'upstream', got {source!r}")
    actual = sha256_bytes(data)
    if actual != spec["sha256"]:
        raise DataError(
            f"checksum mismatch for {name} (from {origin}): expected sha256 {spec['sha256']}, got {actual}. "
            "The file is corrupt or a different version; nothing was written."
        )
    return data


def pull_dataset(name: str, dataset: dict, source: str, out_dir: str | Path, retries: int = 3) -> list[Path]:
    """Fetch and verify every file of ``dataset``, then write them under ``out_dir``."""
    out_dir = Path(out_dir)
    snapshot_dir = Path(dataset["snapshot_dir"])
    cache: dict[str, bytes] = {}

    def fetch(url: str) -> bytes:
        if url not in cache:
            log.info("downloading %s", url)
            cache[url] = download(url, retries=retries)
        return cache[url]

    verified = {}
    files = dataset["files"]
    for i, (file_name, spec) in enumerate(sorted(files.items()), start=1):
        verified[file_name] = fetch_file(file_name, spec, source, snapshot_dir, fetch)
        if i % 50 == 0 or i == len(files):
            log.info("%s: verified %d/%d files", name, i, len(files))
    written = []
    for file_name, data in verified.items():
        target = out_dir / file_name
        write_bytes(target, data)
        written.append(target)
    log.info("%s: wrote %d files to %s (source: %s)", name, len(written), out_dir, source)
    return written
