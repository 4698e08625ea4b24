"""The one metrics schema shared by every study.

Long format: one row per (study, dataset, setting, unit, model, split, fold, metric) with its
value and physical unit, plus provenance columns. ``setting`` holds a study's variant axis
(featuriser, prior choice, observation mode), ``unit`` the thing scored (a materials family, a
galaxy, a chaotic system). Every job writes one small Parquet through :func:`write_metrics`,
which validates the table; :func:`aggregate` concatenates them for a study.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from physbench.io import read_parquet, write_parquet
from physbench.provenance import Provenance

log = logging.getLogger(__name__)

KEY_COLUMNS = ("study", "dataset", "setting", "unit", "model", "split", "fold", "metric")

METRICS_SCHEMA = pa.schema(
    [
        pa.field("study", pa.string(), nullable=False),
        pa.field("dataset", pa.string(), nullable=False),
        pa.field("setting", pa.string(), nullable=False),
        pa.field("unit", pa.string(), nullable=False),
        pa.field("model", pa.string(), nullable=False),
        pa.field("split", pa.string(), nullable=False),
        pa.field("fold", pa.int32(), nullable=False),
        pa.field("metric", pa.string(), nullable=False),
        pa.field("value", pa.float64(), nullable=True),
        pa.field("metric_unit", pa.string(), nullable=False),
        pa.field("note", pa.string(), nullable=True),
        pa.field("package_version", pa.string(), nullable=False),
        pa.field("config_hash", pa.string(), nullable=False),
        pa.field("data_sha256", pa.string(), nullable=False),
        pa.field("git_revision", pa.string(), nullable=True),
    ]
)
COLUMNS = tuple(METRICS_SCHEMA.names)
PROVENANCE_COLUMNS = ("package_version", "config_hash", "data_sha256", "git_revision")


class MetricsSchemaError(ValueError):
    """A metrics table does not follow :data:`METRICS_SCHEMA`."""


def metrics_frame(rows: Iterable[Mapping], provenance: Provenance) -> pd.DataFrame:
    """Build a validated metrics DataFrame from row dicts (the key columns, value, metric_unit, note)."""
    frame = pd.DataFrame(list(rows))
    for column, value in provenance.as_dict().items():
        frame[column] = value
    if "note" not in frame:
        frame["note"] = None
    return validate_metrics(frame)


def validate_metrics(frame: pd.DataFrame, source: str = "metrics table") -> pd.DataFrame:
    """Check columns, types, nulls and key uniqueness; return the frame in schema column order."""
    missing = [c for c in COLUMNS if c not in frame.columns]
    extra = [c for c in frame.columns if c not in COLUMNS]
    if missing or extra:
        raise MetricsSchemaError(
            f"{source}: columns do not match the metrics schema (missing {missing}, unexpected {extra}); "
            f"expected exactly {list(COLUMNS)}"
        )
    frame = frame.loc[:, list(COLUMNS)].copy()
    for field in METRICS_SCHEMA:
        if not field.nullable and frame[field.name].isna().any():
            raise MetricsSchemaError(f"{source}: column {field.name!r} has missing values")
    try:
        frame["fold"] = frame["fold"].astype("int32")
        frame["value"] = frame["value"].astype("float64")
    except (TypeError, ValueError) as err:
        raise MetricsSchemaError(f"{source}: 'fold' must be integer and 'value' numeric ({err})") from err
    for name in COLUMNS:
        if name not in ("fold", "value"):
            bad = frame[name].map(lambda v: v is not None and not isinstance(v, str) and not _is_na(v))
            if bad.any():
                raise MetricsSchemaError(f"{source}: column {name!r} must hold strings, "
                                         f"got {frame[name][bad].iloc[0]!r}")
    duplicated = frame.duplicated(list(KEY_COLUMNS))
    if duplicated.any():
        first = frame.loc[duplicated, list(KEY_COLUMNS)].iloc[0].to_dict()
        raise MetricsSchemaError(f"{source}: duplicate metric key {first}")
    return frame.reset_index(drop=True)


def _is_na(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


def to_table(frame: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(validate_metrics(frame), schema=METRICS_SCHEMA, preserve_index=False)


def write_metrics(frame: pd.DataFrame, path: str | os.PathLike) -> None:
    """Validate and write a metrics table atomically."""
    write_parquet(path, to_table(frame))


def read_metrics(path: str | os.PathLike) -> pd.DataFrame:
    """Read and validate one metrics Parquet file."""
    table = pq.read_table(path)
    return validate_metrics(table.to_pandas(), source=str(path))


def aggregate(paths: Sequence[str | os.PathLike], out: str | os.PathLike) -> pd.DataFrame:
    """Concatenate per-job metrics files into one validated table at ``out``."""
    frames = [read_metrics(p) for p in paths]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(COLUMNS))
    frame = validate_metrics(frame, source=f"aggregate of {len(paths)} files")
    frame = frame.sort_values(list(KEY_COLUMNS), kind="stable").reset_index(drop=True)
    write_metrics(frame, out)
    return frame


def regression_scores(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    """RMSE, MAE, R² (1 − SSE/SST), squared Pearson r and max |error| of a prediction, in the target's unit."""
    y_true = np.asarray(y_true, dtype=float)
    y_pred = np.asarray(y_pred, dtype=float)
    residual = y_pred - y_true
    sse = float(np.sum(residual**2))
    sst = float(np.sum((y_true - y_true.mean()) ** 2))
    if len(y_true) > 1 and np.std(y_pred) > 0 and np.std(y_true) > 0:
        pearson_r2 = float(np.corrcoef(y_true, y_pred)[0, 1] ** 2)
    else:
        pearson_r2 = float("nan")
    return {
        "rmse": math.sqrt(sse / len(y_true)),
        "mae": float(np.mean(np.abs(residual))),
        "r2": 1.0 - sse / sst if sst > 0 else float("nan"),
        "pearson_r2": pearson_r2,
        "max_error": float(np.max(np.abs(residual))),
        "bias": float(np.mean(residual)),
    }


def aggregate_tables(inputs: Mapping[str, Sequence[str | os.PathLike]],
                     outputs: Mapping[str, str | os.PathLike]) -> None:
    """A study's aggregation step: for each named output, concatenate the per-job files of the same
    name in ``inputs``; ``metrics`` is validated against the schema (:func:`aggregate`), other tables
    are concatenated in input order."""
    for name, out in outputs.items():
        paths = list(inputs[name])
        if name == "metrics":
            frame = aggregate(paths, out)
        else:
            frame = pd.concat([read_parquet(p) for p in paths], ignore_index=True)
            write_parquet(out, frame)
        log.info("%s: %d rows from %d files", name, len(frame), len(paths))
