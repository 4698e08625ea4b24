"""How a job splits the units of a study (galaxies, systems) so that one long job becomes several
short ones: the rules run one job per chunk, and the study's aggregation merges their Parquet files."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def chunk_of(items: Sequence, chunk: int, n_chunks: int) -> list:
    """The ``chunk``-th (from 0) of ``n_chunks`` contiguous, near-equal slices of ``items``; together
    the chunks hold every item once, in order."""
    if not 0 <= chunk < n_chunks:
        raise ValueError(f"chunk {chunk} is not one of the {n_chunks} chunks (0 to {n_chunks - 1})")
    bounds = np.linspace(0, len(items), n_chunks + 1).round().astype(int)
    return list(items[bounds[chunk]:bounds[chunk + 1]])
