"""Atomic file writes and small readers shared by every study.

Every output of the pipeline is written to a temporary file in the destination folder and
renamed into place, so a killed job never leaves a truncated file that a later rule would read.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; fsync it and rename it onto ``path`` only on success.

    Temporary files are named ``.<name>.<random>.tmp`` (ignored by DVC, see ``.dvcignore``); those
    a killed earlier write of the same output left behind are removed first (Snakemake never runs
    two jobs writing one output).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp)
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o666 & ~umask)  # mkstemp creates 0600; outputs get the usual permissions
    try:
        yield tmp
        with open(tmp, "rb+") as written:  # on disk before the rename makes it visible
            os.fsync(written.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_json(path: str | os.PathLike, obj) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n")


def write_parquet(path: str | os.PathLike, table: pa.Table | pd.DataFrame) -> None:
    """Write a table (or DataFrame, index dropped) as Parquet, atomically."""
    if isinstance(table, pd.DataFrame):
        table = pa.Table.from_pandas(table, preserve_index=False)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)


def read_parquet(path: str | os.PathLike, columns: list[str] | None = None) -> pd.DataFrame:
    """Read a Parquet file; a missing column is an error that names the file and the column."""
    path = Path(path)
    if columns is not None:
        present = set(pq.read_schema(path).names)
        missing = [c for c in columns if c not in present]
        if missing:
            raise KeyError(f"{path}: missing column(s) {missing}; present: {sorted(present)}")
    return pq.read_table(path, columns=columns).to_pandas()


def save_figure(fig, path: str | os.PathLike, dpi: int = 120) -> None:
    """Save a matplotlib figure as PNG atomically and close it."""
    import matplotlib.pyplot as plt

    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
