"""Pull a declared dataset into ``data/raw/<dataset>/``.

A dataset is declared in ``config.yaml`` (``datasets.<name>``): its manifest lists the files with
their sha256 and vendored copies, its ``upstream`` mapping the URLs (see
:mod:`physbench.data.manifest`). Each file is read from the vendored snapshot (default, offline) or
downloaded from its upstream URL (streamed, capped in size and time, retried with back-off),
decompressed or extracted from a zip archive when needed, and its sha256 is verified. Every
target must resolve inside the output folder, all files are verified before any is written, and
each is written atomically: a failed pull leaves nothing behind.
"""

from __future__ import annotations

import gzip
import io
import logging
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

from physbench.data.manifest import DataError, ManifestEntry, check_dataset_name, load_manifest, upstream_source
from physbench.io import write_bytes
from physbench.provenance import sha256_bytes

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DownloadLimits:
    """Bounds of one pull's downloads: ``retries`` per URL, ``max_bytes`` per downloaded or extracted
    file, a ``deadline_s`` for all attempts at one URL together, and ``timeout_s`` per network read."""

    retries: int = 3
    max_bytes: int = 1 << 30
    deadline_s: float = 1800.0
    timeout_s: float = 60.0
    backoff_s: float = 1.0


class _Fatal(DataError):
    """A download failure that another attempt cannot mend (too large, past the deadline)."""


def download(url: str, limits: DownloadLimits = DownloadLimits()) -> bytes:
    """GET ``url``, streamed, with retries.

    A short read (fewer bytes than Content-Length) is retried; a body larger than
    ``limits.max_bytes`` (declared or streamed) or attempts past ``limits.deadline_s`` stop at once.
    """
    start = time.monotonic()
    last_error: Exception | None = None
    for attempt in range(1, limits.retries + 1):
        try:
            return _get(url, limits, start)
        except _Fatal:
            raise
        except (requests.RequestException, DataError) as err:
            last_error = err
            log.warning("download %s failed (attempt %d/%d): %s", url, attempt, limits.retries, err)
            if attempt < limits.retries:
                time.sleep(limits.backoff_s * 2 ** (attempt - 1))
    raise DataError(f"{url}: download failed after {limits.retries} attempts: {last_error}")


def _get(url: str, limits: DownloadLimits, start: float) -> bytes:
    def check_time():
        if time.monotonic() - start > limits.deadline_s:
            raise _Fatal(f"{url}: download did not finish within {limits.deadline_s:g} s (data.download_deadline_s)")

    check_time()
    with requests.get(url, timeout=limits.timeout_s, stream=True) as response:
        response.raise_for_status()
        expected = response.headers.get("Content-Length")
        if expected is not None and int(expected) > limits.max_bytes:
            raise _Fatal(f"{url}: declares {int(expected):,} bytes, more than the {limits.max_bytes:,} bytes "
                         "allowed (data.max_download_mb)")
        chunks, size = [], 0
        for chunk in response.iter_content(chunk_size=1 << 20):
            size += len(chunk)
            if size > limits.max_bytes:
                raise _Fatal(f"{url}: more than the {limits.max_bytes:,} bytes allowed (data.max_download_mb)")
            chunks.append(chunk)
            check_time()
    data = b"".join(chunks)
    if expected is not None and "Content-Encoding" not in response.headers and int(expected) != len(data):
        raise DataError(f"{url}: truncated download, {len(data)} of {expected} bytes")
    return data


def _decode(name: str, data: bytes, source: str, member: str | None,
            max_bytes: int = DownloadLimits.max_bytes) -> bytes:
    """Extract ``member`` from a zip (its size checked before it is read), or gunzip a ``.gz``
    source when the target is not ``.gz``."""
    try:
        if member is not None:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                size = archive.getinfo(member).file_size
                if size > max_bytes:
                    raise DataError(f"{source}: member {member} would extract to {size:,} bytes, more than the "
                                    f"{max_bytes:,} bytes allowed (data.max_download_mb); nothing was written")
                return archive.read(member)
        if source.endswith(".gz") and not name.endswith(".gz"):
            return gzip.decompress(data)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as err:
        raise DataError(f"{source}: cannot extract {member or name}: {err}") from err
    return data


def fetch_file(entry: ManifestEntry, upstream: tuple[str, str | None] | None, fetch: Callable[[str], bytes],
               max_bytes: int = DownloadLimits.max_bytes) -> bytes:
    """Return the verified bytes of one manifest entry: from its snapshot copy when ``upstream`` is
    None, else downloaded from ``upstream`` (``(url, archive_member)``, see
    :func:`physbench.data.manifest.upstream_source`)."""
    name = entry.file
    if upstream is None:
        origin = entry.snapshot
        try:
            raw = Path(origin).read_bytes()
        except OSError as err:
            raise DataError(f"{origin}: snapshot file of {name} cannot be read: {err}") from err
        data = _decode(name, raw, origin, None)
    else:
        origin, member = upstream
        data = _decode(name, fetch(origin), origin, member, max_bytes)
    actual = sha256_bytes(data)
    if actual != entry.sha256:
        raise DataError(
            f"checksum mismatch for {name} (from {origin}): expected sha256 {entry.sha256} ({entry.where}), "
            f"got {actual}. The file is corrupt or a different version; nothing was written."
        )
    return data


def target_path(out_dir: Path, file: str) -> Path:
    """``out_dir / file``, refused unless it resolves (symbolic links followed) to a file inside ``out_dir``."""
    root = out_dir.resolve()
    target = (out_dir / file).resolve()
    if target == root or not target.is_relative_to(root):
        raise DataError(
            f"{out_dir / file}: target of {file!r} resolves to {target}, outside {root}; nothing was written. "
            "Fix the file name in the manifest, or the link under the output folder that leads out of it"
        )
    return target


def pull_dataset(name: str, dataset: dict, source: str, out_dir: str | Path,
                 limits: DownloadLimits = DownloadLimits()) -> list[Path]:
    """Fetch and verify every file of dataset ``name`` (its ``config.yaml`` entry ``dataset``), then
    write them under ``out_dir``; return the paths written."""
    check_dataset_name(name)
    out_dir = Path(out_dir)
    manifest = load_manifest(name, dataset)
    targets = {file: target_path(out_dir, file) for file in manifest.files}
    if source == "snapshot":
        sources = dict.fromkeys(manifest.files)
    elif source == "upstream":
        sources = {file: upstream_source(file, dataset.get("upstream", {})) for file in manifest.files}
        missing = [file for file, found in sources.items() if found is None]
        if missing:
            raise DataError(f"{', '.join(missing)}: no upstream URL declared (no pattern of datasets.{name}.upstream "
                            "matches: derived data, or add its URL there); use data.source: snapshot for this dataset")
    else:
        raise DataError(f"data.source must be 'snapshot' or 'upstream', got {source!r}")
    cache: dict[str, bytes] = {}

    def fetch(url: str) -> bytes:
        if url not in cache:
            log.info("downloading %s", url)
            cache[url] = download(url, limits)
        return cache[url]

    verified = {}
    for i, (file, entry) in enumerate(manifest.entries.items(), start=1):
        verified[file] = fetch_file(entry, sources[file], fetch, limits.max_bytes)
        if i % 50 == 0 or i == len(manifest.entries):
            log.info("%s: verified %d/%d files (manifest %s)", name, i, len(manifest.entries), manifest.path)
    for file, data in verified.items():
        write_bytes(targets[file], data)
    log.info("%s: wrote %d files to %s (source: %s)", name, len(verified), out_dir, source)
    return list(targets.values())
