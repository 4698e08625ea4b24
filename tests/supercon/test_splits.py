"""Split schemes: coverage, determinism, no composition in both train and test."""

import numpy as np
import pandas as pd
import pytest

from physbench.supercon.data import composition_keys, families
from physbench.supercon.splits import iter_folds, make_split


@pytest.fixture
def materials():
    rng = np.random.default_rng(1)
    keys = rng.integers(0, 60, size=300).astype(str)  # 60 compositions, repeated
    return pd.DataFrame({"composition": keys,
                         "family": np.array(["cuprate", "iron", "other"])[rng.integers(0, 3, 300)]})


SPECS = {
    "repeated_random": {"kind": "repeated_random", "n_repeats": 4, "test_fraction": 1 / 3, "seed": 0},
    "kfold": {"kind": "kfold", "n_splits": 5, "seed": 18012019},
    "group_kfold": {"kind": "group_kfold", "n_splits": 5, "seed": 7},
    "family": {"kind": "family"},
}


@pytest.mark.parametrize("name", SPECS)
def test_deterministic(materials, name):
    pd.testing.assert_frame_equal(make_split(SPECS[name], materials), make_split(SPECS[name], materials))


@pytest.mark.parametrize("name", ["kfold", "group_kfold", "family"])
def test_partitions_cover_every_row_once(materials, name):
    split = make_split(SPECS[name], materials)
    assert sorted(split["row"]) == list(range(len(materials)))


def test_kfold_is_shuffled(materials):
    first = make_split(SPECS["kfold"], materials).query("fold == 0")["row"].to_numpy()
    assert not np.array_equal(first, np.arange(len(first)))


def test_group_kfold_has_no_composition_on_both_sides(materials):
    split = make_split(SPECS["group_kfold"], materials)
    for _, train, test in iter_folds(split, len(materials)):
        assert not set(materials["composition"].iloc[train]) & set(materials["composition"].iloc[test])


def test_group_kfold_seed_changes_folds(materials):
    other = dict(SPECS["group_kfold"], seed=8)
    assert not make_split(SPECS["group_kfold"], materials).equals(make_split(other, materials))


def test_repeated_random_test_fraction(materials):
    split = make_split(SPECS["repeated_random"], materials)
    sizes = split.groupby("fold").size()
    assert len(sizes) == 4 and sizes.between(70, 130).all()
    assert split.query("fold == 0")["row"].tolist() != split.query("fold == 1")["row"].tolist()


def test_family_folds_hold_out_one_family(materials):
    split = make_split(SPECS["family"], materials)
    for _, train, test in iter_folds(split, len(materials)):
        assert materials["family"].iloc[test].nunique() == 1
        assert materials["family"].iloc[test].iloc[0] not in set(materials["family"].iloc[train])


def test_composition_key_is_scale_and_order_invariant():
    counts = np.array([[2.0, 1.0, 0.0], [66.6666666, 33.3333333, 0.0], [1.0, 2.0, 0.0]])
    keys = composition_keys(counts)
    assert keys[0] == keys[1] != keys[2]


def test_families_priority():
    frame = pd.DataFrame({"Cu": [1, 1, 0, 0], "O": [4, 0, 1, 0], "Fe": [1, 1, 1, 0]})
    assert families(frame).tolist() == ["cuprate", "iron", "iron", "other"]
