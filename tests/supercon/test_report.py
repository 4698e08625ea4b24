"""Headline counts and the parity plot's label of the SuperCon study, on synthetic folds."""

import pandas as pd
import pytest

from physbench.supercon.page import PAGE
from physbench.supercon.report import count_label, headline, leaderboard_table

# Three repeated random splits of 6 materials: test folds of 3, 2 and 3 rows; row 5 is never tested.
TEST_ROWS = {0: [0, 1, 2], 1: [1, 3], 2: [0, 2, 4]}


def predictions(model: str) -> pd.DataFrame:
    return pd.DataFrame([{"featuriser": "hamidieh", "split": "hamidieh25", "model": model, "fold": fold, "row": row,
                          "family": "other", "tc_true_kelvin": 10.0 + row, "tc_pred_kelvin": 11.0 + row}
                         for fold, rows in TEST_ROWS.items() for row in rows])


def metrics() -> pd.DataFrame:
    rows = []
    for model, rmse in (("mean", 5.0), ("xgboost", 1.0)):
        for fold, test in TEST_ROWS.items():
            for metric, value in (("rmse", rmse + fold), ("mae", rmse), ("r2", 0.5), ("pearson_r2", 0.6),
                                  ("max_error", 2 * rmse), ("fit_seconds", 0.1), ("n_test", float(len(test)))):
                rows.append({"setting": "hamidieh", "split": "hamidieh25", "model": model, "unit": "all",
                             "fold": fold, "metric": metric, "value": value})
    return pd.DataFrame(rows)


@pytest.fixture
def summary():
    frame = metrics()
    both = pd.concat([predictions("mean"), predictions("xgboost")], ignore_index=True)
    return headline(leaderboard_table(frame), frame, both)


def test_headline_counts_distinct_materials_and_largest_fold(summary):
    assert summary["n_materials_tested"] == 5  # rows 0-4, each counted once over folds and models
    assert summary["largest_test_fold"] == 3
    assert "n_materials_scored" not in summary


def test_headline_picks_best_model(summary):
    assert summary["best_model"] == "xgboost"
    assert summary["best_rmse_kelvin"] == pytest.approx(2.0)  # mean of 1, 2, 3 K
    assert summary["best_n_folds"] == 3


def test_page_shows_every_count_of_the_headline(summary):
    assert {"n_materials_tested", "largest_test_fold"} <= set(PAGE.headline_keys)
    assert set(PAGE.headline_keys) <= set(summary)


def test_count_label_separates_predictions_from_materials():
    assert count_label(predictions("xgboost")) == "n = 8 predictions of 5 materials\nover 3 folds (1.6 per material)"


def test_count_label_of_a_partition_says_one_per_material():
    partition = predictions("xgboost").drop_duplicates("row")
    assert count_label(partition) == "n = 5 predictions, one per material"
