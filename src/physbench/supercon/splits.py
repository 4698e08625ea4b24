"""Split schemes for the SuperCon study, written to disk as index tables.

A split table has one row per (fold, test row): ``fold`` (int) and ``row`` (position in the
material table). The training set of a fold is every other row. Schemes:

- ``repeated_random``: Hamidieh's protocol, each repeat assigns every row to the test set with
  probability ``test_fraction`` (≈ 1/3), independently per repeat.
- ``kfold``: shuffled K-fold (Matbench uses seed 18012019).
- ``group_kfold``: K folds over shuffled composition groups, so no composition is in both train and test.
- ``family``: leave one materials family (cuprate / iron / other) out per fold.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold, KFold

from physbench.io import read_parquet, write_parquet
from physbench.supercon.data import FAMILIES

log = logging.getLogger(__name__)


def make_split(spec: dict, materials: pd.DataFrame) -> pd.DataFrame:
    """Test indices per fold for the scheme ``spec`` (a ``studies.supercon.splits`` entry)."""
    n = len(materials)
    kind = spec["kind"]
    if kind == "repeated_random":
        folds = []
        for repeat in range(spec["n_repeats"]):
            rng = np.random.default_rng([spec["seed"], repeat])
            folds.append(np.flatnonzero(rng.random(n) < spec["test_fraction"]))
    elif kind == "kfold":
        splitter = KFold(n_splits=spec["n_splits"], shuffle=True, random_state=spec["seed"])
        folds = [test for _, test in splitter.split(np.zeros(n))]
    elif kind == "group_kfold":
        splitter = GroupKFold(n_splits=spec["n_splits"], shuffle=True, random_state=spec["seed"])
        folds = [test for _, test in splitter.split(np.zeros(n), groups=materials["composition"].to_numpy())]
    elif kind == "family":
        family = materials["family"].to_numpy()
        folds = [np.flatnonzero(family == name) for name in FAMILIES if (family == name).any()]
    else:
        raise ValueError(f"unknown split kind {kind!r}")
    return pd.DataFrame(
        {
            "fold": np.concatenate([np.full(len(test), i, dtype="int32") for i, test in enumerate(folds)]),
            "row": np.concatenate(folds).astype("int64"),
        }
    )


def iter_folds(split: pd.DataFrame, n_rows: int):
    """Yield (fold, train_rows, test_rows) from a split table."""
    for fold, group in split.groupby("fold", sort=True):
        test = np.sort(group["row"].to_numpy())
        is_test = np.zeros(n_rows, dtype=bool)
        is_test[test] = True
        yield int(fold), np.flatnonzero(~is_test), test


def build_split(materials_parquet, spec: dict, out) -> None:
    materials = read_parquet(materials_parquet, columns=["composition", "family"])
    split = make_split(spec, materials)
    sizes = split.groupby("fold").size()
    log.info("%s: %d folds, test sizes %s", spec["kind"], len(sizes), sizes.tolist())
    write_parquet(out, split)
