"""The echo state ensemble: a one-member ensemble is the echo state network; members stay clipped."""

import numpy as np
import pytest

from physbench.chaos.forecasters import make_forecaster


def series(n=500):
    t = np.arange(n) * 0.05
    x = np.c_[np.sin(t) + 0.3 * np.sin(2.7 * t)]
    return (x - x.mean(0)) / x.std(0)


@pytest.mark.parametrize("feedback", ["median", "own"])
def test_one_member_is_the_echo_state_network(feedback):
    x = series()
    params = {"size": 80, "washout": 30, "seed": 4}
    single = make_forecaster("esn", params).fit(x[:400]).predict(x[300:400], 50)
    ensemble = make_forecaster("esn_ensemble", {**params, "members": 1, "feedback": feedback, "clip": 1e3})
    np.testing.assert_allclose(ensemble.fit(x[:400]).predict(x[300:400], 50), single, rtol=1e-10, atol=1e-12)


def test_median_of_members_is_clipped_and_deterministic():
    x = series()
    model = make_forecaster("esn_ensemble", {"members": 3, "size": 60, "washout": 30, "clip": 0.5}).fit(x[:400])
    pred = model.predict(x[300:400], 40)
    assert pred.shape == (40, 1) and np.all(np.abs(pred) <= 0.5)
    assert [m.seed for m in model.members_] == [0, 1, 2]
    with pytest.raises(ValueError, match="feedback"):
        make_forecaster("esn_ensemble", {"feedback": "mean"}).fit(x)
