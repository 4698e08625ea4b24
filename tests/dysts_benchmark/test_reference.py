"""The reference check: darts' naive models rebuilt from the vendored test file match the published scores."""

import math

import numpy as np
import pytest

from physbench.dysts_benchmark import protocol
from physbench.dysts_benchmark.data import read_reference, read_series
from tests.conftest import REPO

SNAPSHOT = REPO / "data" / "snapshots" / "dysts_benchmark"
TEST_FILE = SNAPSHOT / "test_univariate__pts_per_period_100__periods_12.json.gz"
RESULTS_FILE = SNAPSHOT / "results_test_univariate__pts_per_period_100__periods_12.json.gz"


@pytest.fixture(scope="module")
def published():
    return read_series(TEST_FILE), read_reference(RESULTS_FILE)


def test_the_split_is_the_published_one(published):
    test, reference = published
    assert len(reference) == 131 and set(reference) <= set(test)
    assert protocol.split_point(1200) == 1000 and protocol.split_point(180) == 150
    for name, system in reference.items():
        fit, future, scored = protocol.split(test[name])
        assert (len(fit), len(future), len(scored)) == (1000, 200, 199)
        np.testing.assert_array_equal(scored, system.values)


@pytest.mark.parametrize("model", sorted(protocol.NAIVE_MODELS))
def test_naive_models_match_the_published_scores(published, model):
    test, reference = published
    worst = {"smape": 0.0, "mae": 0.0, "mse": 0.0}
    for name, system in reference.items():
        forecast = protocol.naive_forecasts(test[name])[model]
        stored = system.models[model]
        np.testing.assert_allclose(forecast, stored.prediction, rtol=0, atol=1e-12, err_msg=name)
        ours = protocol.scores(system.values, forecast)
        for score, value in ours.items():
            worst[score] = max(worst[score], abs(value - stored.scores[score]))
    assert worst["smape"] <= 1e-9, worst
    assert worst["mae"] <= 1e-12 and worst["mse"] <= 1e-12, worst


def test_every_published_smape_is_reproduced_from_its_prediction(published):
    _, reference = published
    for name, system in reference.items():
        for model, stored in system.models.items():
            assert math.isclose(protocol.smape(system.values, stored.prediction), stored.scores["smape"],
                                rel_tol=0, abs_tol=1e-9), (name, model)


def test_smape_conventions():
    assert protocol.smape([1.0, 2.0], [1.0, 2.0, 99.0]) == 0.0  # scored over the truth's points only
    assert protocol.smape([1.0], [-1.0]) == 200.0 and protocol.smape([0.0], [0.0]) == 0.0
    assert protocol.smape([1.0, 3.0], [3.0, 1.0]) == pytest.approx(100.0)
    with pytest.raises(ValueError, match="fewer"):
        protocol.smape([1.0, 2.0], [1.0])
