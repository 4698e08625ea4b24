"""Readers of the published formats: round trips and errors that name the file, system and field."""

import gzip
import json

import numpy as np
import pytest

from physbench.chaos.loader import TrajectoryFileError
from physbench.dysts_benchmark.data import BenchmarkFileError, read_hyperparameters, read_reference, read_series


def write(path, obj, compress=False):
    raw = json.dumps(obj).encode()
    path.write_bytes(gzip.compress(raw) if compress else raw)
    return path


@pytest.mark.parametrize("compress", [False, True])
def test_series_round_trip(tmp_path, compress):
    path = write(tmp_path / "test.json", {"A": {"dt": 0.1, "time": [0, 0.1, 0.2], "values": [1.0, 2.0, 3.0]}}, compress)
    np.testing.assert_array_equal(read_series(path)["A"], [1.0, 2.0, 3.0])


def test_series_errors_name_file_system_and_field(tmp_path):
    path = write(tmp_path / "multi.json", {"A": {"dt": 0.1, "values": [[1.0, 2.0], [3.0, 4.0]]}})
    with pytest.raises(BenchmarkFileError, match=r"multi.json: system 'A': field 'values' has 2 channels"):
        read_series(path)
    path = write(tmp_path / "bad.json", {"A": {"values": [1.0, 2.0]}})
    with pytest.raises(TrajectoryFileError, match=r"bad.json: system 'A': .*'dt'"):
        read_series(path)


def test_reference_reads_scores_and_nulls(tmp_path):
    model = {"prediction": [1.0, None, 3.0], "smape": 10.0, "mae": None, "mse": 2.0, "r2_score": 0.5}
    path = write(tmp_path / "results.json.gz", {"A": {"values": [1.0, 2.0], "NBEATSModel": model}}, compress=True)
    system = read_reference(path)["A"]
    np.testing.assert_array_equal(system.values, [1.0, 2.0])
    stored = system.models["NBEATSModel"]
    assert stored.scores["smape"] == 10.0 and np.isnan(stored.scores["mae"]) and np.isnan(stored.prediction[1])


SCORES = {"smape": 1, "mae": 1, "mse": 1}


@pytest.mark.parametrize("entry, message", [
    ({"NBEATSModel": {"prediction": [1.0], **SCORES}}, r"system 'A': entry needs the field 'values'"),
    ({"values": [1.0], "M": SCORES}, r"system 'A': model 'M': needs the field 'prediction'"),
    ({"values": [1.0], "M": {"prediction": [1.0], "smape": 1}}, r"missing score field\(s\) \['mae', 'mse'\]"),
    ({"values": [1.0], "M": {"prediction": [1.0], **SCORES, "smape": "x"}}, r"model 'M': field 'smape'"),
    ({"values": [1.0, 2.0], "M": {"prediction": [1.0], **SCORES}}, r"fewer than the 2 scored"),
    ({"values": ["a"], "M": {"prediction": [1.0], **SCORES}}, r"field 'values' must be"),
    ({"values": [1.0]}, r"system 'A': no model results"),
])
def test_reference_errors_name_file_system_and_field(tmp_path, entry, message):
    path = write(tmp_path / "results.json", {"A": entry})
    with pytest.raises(BenchmarkFileError, match=message) as err:
        read_reference(path)
    assert "results.json" in str(err.value)


def test_not_json_and_bad_hyperparameters(tmp_path):
    (tmp_path / "x.json").write_text("{")
    with pytest.raises(BenchmarkFileError, match="x.json: not valid JSON"):
        read_reference(tmp_path / "x.json")
    path = write(tmp_path / "h.json", {"A": {"ARIMA": {"p": 25}, "FFT": {}}})
    assert read_hyperparameters(path)["A"]["ARIMA"] == {"p": 25}
    with pytest.raises(BenchmarkFileError, match="h.json: system 'B'"):
        read_hyperparameters(write(tmp_path / "h.json", {"B": {"ARIMA": 3}}))
