"""Chunks of a study's units: every unit in exactly one chunk, in order, chunks near-equal."""

import pytest

from physbench.chunks import chunk_of


@pytest.mark.parametrize(("n_items", "n_chunks"), [(175, 3), (135, 4), (3, 2), (25, 5), (2, 3), (0, 2)])
def test_chunks_partition_the_items_in_order(n_items, n_chunks):
    items = [f"u{i}" for i in range(n_items)]
    chunks = [chunk_of(items, chunk, n_chunks) for chunk in range(n_chunks)]
    assert sum(chunks, []) == items
    assert max(map(len, chunks)) - min(map(len, chunks)) <= 1


def test_a_chunk_outside_the_range_is_an_error():
    with pytest.raises(ValueError, match="chunk 3 is not one of the 3 chunks"):
        chunk_of(list("abc"), 3, 3)
