"""Matplotlib set-up shared by every study's figures (headless backend, one style), and the galleries
of one small figure per item (galaxy, system) that the report shows."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import matplotlib
import pandas as pd

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

plt.rcParams.update(
    {
        "figure.dpi": 110,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "font.size": 10,
    }
)

__all__ = ["plt", "save_gallery"]


def save_gallery(figures: Iterable, directory, manifest, item: str, dpi: int = 70) -> None:
    """Save ``(name, figure)`` pairs as ``<directory>/<name>.png`` and list them in ``manifest`` (TSV:
    ``<item>``, file, sha256). A character of a name that is unsafe in a file name (``/``, a space) is
    written as ``_`` in its file's name.

    The report depends on the manifest, whose checksum Snakemake compares, rather than on the
    directory, whose new mtime after a checkout or in a fresh clone would rerun it.
    """
    from physbench.io import save_figure, write_bytes
    from physbench.provenance import sha256_file

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, fig in figures:
        file = re.sub(r"[^\w.+-]", "_", str(name)).lstrip(".") + ".png"
        save_figure(fig, directory / file, dpi=dpi)
        rows.append({item: name, "file": file, "sha256": sha256_file(directory / file)})
    write_bytes(manifest, pd.DataFrame(rows, columns=[item, "file", "sha256"]).to_csv(sep="\t", index=False).encode())
