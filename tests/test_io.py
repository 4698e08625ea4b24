"""Atomic writes: fsynced, renamed into place, stale temporary files cleaned and ignored by DVC."""

import os
from pathlib import Path

import pytest

from physbench import io


def test_atomic_write_replaces_leaves_no_temporary_and_cleans_stale_ones(tmp_path, monkeypatch):
    target = tmp_path / "out" / "table.json"
    target.parent.mkdir()
    stale = target.parent / ".table.json.abc123.tmp"  # left by a killed job
    other = target.parent / ".other.json.abc123.tmp"  # another output's: not ours to remove
    stale.write_text("partial")
    other.write_text("partial")
    synced, fsync = [], os.fsync
    monkeypatch.setattr(io.os, "fsync", lambda fd: synced.append(fd) or fsync(fd))
    io.write_json(target, {"a": 1})
    assert target.read_text().strip().startswith("{") and synced
    assert not stale.exists() and other.exists()
    assert sorted(p.name for p in target.parent.iterdir()) == [".other.json.abc123.tmp", "table.json"]


def test_a_failed_write_leaves_the_old_file(tmp_path):
    target = tmp_path / "table.json"
    io.write_json(target, {"old": True})
    with pytest.raises(RuntimeError), io.atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed")
    assert "old" in target.read_text() and [p.name for p in tmp_path.iterdir()] == ["table.json"]


def test_dvc_ignores_temporary_files():
    patterns = Path(__file__).resolve().parents[1].joinpath(".dvcignore").read_text().split()
    assert ".*.tmp" in patterns
