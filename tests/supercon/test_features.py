"""The Hamidieh featuriser against a hand computation and the reference train.csv."""

import numpy as np
import pandas as pd
import pytest

from physbench.supercon.data import PROPERTIES, element_columns, load_compositions, load_element_table
from physbench.supercon.features import STATISTICS, fraction_features, hamidieh_features, property_statistics
from tests.conftest import REPO

SNAPSHOT = REPO / "data/snapshots/supercon"


def test_two_element_example_matches_paper_table_2():
    """Re6Zr1, thermal conductivity t = (48, 23) W/(m K), p = (6/7, 1/7): Hamidieh (2018) Table 2."""
    counts = np.array([[6.0, 1.0]])
    stats = dict(zip(STATISTICS, property_statistics(counts, np.array([48.0, 23.0]))[0]))
    p = np.array([6, 1]) / 7
    t = np.array([48.0, 23.0])
    w = t / t.sum()
    a = p * t / (p * t).sum()
    expected = {
        "mean": 35.5,
        "wtd_mean": 6 / 7 * 48 + 1 / 7 * 23,
        "gmean": np.sqrt(48 * 23),
        "wtd_gmean": 48 ** (6 / 7) * 23 ** (1 / 7),
        "entropy": -(w * np.log(w)).sum(),
        "wtd_entropy": -(a * np.log(a)).sum(),
        "range": 25.0,
        "wtd_range": 6 / 7 * 48 - 1 / 7 * 23,
        "std": 12.5,
        "wtd_std": np.sqrt((p * (t - (p * t).sum()) ** 2).sum()),
    }
    for name, value in expected.items():
        assert stats[name] == pytest.approx(value, rel=1e-13), name
    # The paper's rounded values.
    assert [round(stats[k], 2) for k in ("wtd_mean", "gmean", "wtd_gmean", "entropy", "wtd_entropy", "wtd_range",
                                         "wtd_std")] == [44.43, 33.23, 43.21, 0.63, 0.26, 37.86, 8.75]


def test_single_element_spread_statistics_are_zero():
    stats = dict(zip(STATISTICS, property_statistics(np.array([[3.0, 0.0]]), np.array([10.0, 5.0]))[0]))
    assert [stats[k] for k in ("entropy", "wtd_entropy", "range", "wtd_range", "std", "wtd_std")] == [0.0] * 6
    assert stats["mean"] == stats["wtd_mean"] == pytest.approx(10.0)


def test_missing_property_drops_element_without_renormalising():
    stats = dict(zip(STATISTICS, property_statistics(np.array([[1.0, 1.0]]), np.array([4.0, np.nan]))[0]))
    assert stats["mean"] == 4.0
    assert stats["wtd_mean"] == 2.0  # p = 1/2 is kept, not renormalised to 1


def test_fractions_sum_to_one():
    frame = fraction_features(np.array([[2.0, 0.0, 6.0]]), ["A", "B", "C"])
    assert frame.columns.tolist() == ["frac_A", "frac_B", "frac_C"]
    assert frame.to_numpy().tolist() == [[0.25, 0.0, 0.75]]


@pytest.fixture(scope="module")
def computed_features():
    compositions = load_compositions(SNAPSHOT / "unique_m.csv.gz")
    elements = element_columns(compositions)
    table = load_element_table(SNAPSHOT / "element_properties.csv", elements)
    return hamidieh_features(compositions[elements].to_numpy(dtype=float), table)


def assert_matches_reference(computed: pd.DataFrame, reference: pd.DataFrame):
    """Relative error < 1e-9 everywhere; values below 1e-12 (exact zeros up to rounding) compared absolutely."""
    assert list(computed.columns) == [c for c in reference.columns if c in computed.columns]
    assert computed.shape[1] == 81 and len(computed) == len(reference)
    ours = computed.to_numpy()
    theirs = reference[computed.columns].to_numpy(dtype=float)
    error = np.abs(ours - theirs)
    tolerance = 1e-9 * np.abs(theirs) + 1e-12
    worst = np.unravel_index(np.argmax(error / tolerance), error.shape)
    assert (error <= tolerance).all(), (
        f"row {worst[0]} column {computed.columns[worst[1]]}: {ours[worst]} vs reference {theirs[worst]}"
    )


def test_matches_published_rows(computed_features):
    published = pd.read_csv(SNAPSHOT / "train_sample_rows.csv")
    assert_matches_reference(computed_features.iloc[published["row_index"].to_numpy()].reset_index(drop=True),
                             published)


def test_matches_reference_train_csv(computed_features):
    reference = pd.read_csv(SNAPSHOT / "train.csv.gz")
    assert len(reference) == 21263
    assert_matches_reference(computed_features, reference)


def test_feature_names_follow_train_csv_order():
    reference_header = pd.read_csv(SNAPSHOT / "train_sample_rows.csv", nrows=0).columns.tolist()
    assert ["number_of_elements"] + [f"{s}_{p}" for p in PROPERTIES for s in STATISTICS] == reference_header[1:-1]
