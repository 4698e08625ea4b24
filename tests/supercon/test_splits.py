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


def test_fit_jobs_on_chunks_of_the_folds_write_what_one_job_on_every_fold_writes(materials):
    from physbench.provenance import Provenance
    from physbench.supercon.evaluate import evaluate_cell

    rng = np.random.default_rng(3)
    features = pd.DataFrame(rng.normal(size=(len(materials), 4)), columns=list("abcd"))
    frame = materials.assign(critical_temp=features["a"] * 3 + rng.normal(size=len(materials)))
    split = make_split(SPECS["repeated_random"], materials)
    spec = {"estimator": "ridge", "standardise": True, "params": {"alpha": 1.0}}

    def run(chunk, n_chunks):
        return evaluate_cell(features, frame, split, model_name="ridge", model_spec=spec, featuriser="f",
                             scheme="r", dataset="d", seed=0, n_jobs=1, provenance=Provenance("0", "c", "0" * 64, None),
                             chunk=chunk, n_chunks=n_chunks)

    whole = run(0, 1)
    chunks = [run(chunk, 3) for chunk in range(3)]
    assert [sorted(set(c[0]["fold"])) for c in chunks] == [[0], [1, 2], [3]]  # 4 folds in 3 chunks
    for i in range(3):  # metrics (timings aside: they differ between any two fits), predictions, importances
        merged, reference = pd.concat([c[i] for c in chunks], ignore_index=True), whole[i]
        if i == 0:
            merged, reference = (m[~m["metric"].str.endswith("_seconds")].reset_index(drop=True)
                                 for m in (merged, reference))
        pd.testing.assert_frame_equal(merged, reference)


def test_more_chunks_than_folds_is_a_config_error():
    from physbench.supercon.checks import check_config
    from physbench.workflow import ConfigError

    settings = {"models": {"ridge": {"estimator": "ridge"}}, "featurisers": ["hamidieh"],
                "grid": {"hamidieh": {"r": ["ridge"]}}, "splits": {"r": {**SPECS["repeated_random"], "n_chunks": 5}}}
    with pytest.raises(ConfigError, match=r"studies.supercon.splits.r.n_chunks: 5 chunks of at most 4 folds"):
        check_config(settings, {})
    settings["splits"]["r"]["n_chunks"] = 4
    check_config(settings, {})
