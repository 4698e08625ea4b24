"""The one metrics schema shared by every study.

Long format: one row per (study, dataset, setting, unit, model, split, fold, metric) with its
value and physical unit, plus provenance columns. ``setting`` holds a study's variant axis
(featuriser, prior choice, observation mode), ``unit`` the thing scored (a materials family, a
galaxy, a chaotic system). Every job writes one small Parquet through :func:`write_metrics`,
which validates the table; :func:`aggregate` concatenates them for a study.

A missing value (NaN) is either a failure (a fit or a forecast that did not produce it) or a
value undefined by construction (the correlation of a constant prediction, a reduced chi^2 without
degrees of freedom). The writer tells them apart in ``note``: the note of an undefined value starts
with ``undefined:`` (:func:`undefined_note`); :func:`undefined_values` and :func:`failed_values`
apply that rule.
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
UNDEFINED = "undefined:"  # the start of the note of a value undefined by construction


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


def undefined_note(reason: str) -> str:
    """The note of a value undefined by construction, ``undefined: <reason>``; its NaN is not a failure."""
    return f"{UNDEFINED} {reason}"


def undefined_values(metrics: pd.DataFrame) -> pd.Series:
    """Which rows of a metrics table hold a value undefined by construction: NaN with a note that
    starts with ``undefined:``."""
    return metrics["value"].isna() & metrics["note"].fillna("").astype(str).str.startswith(UNDEFINED)


def failed_values(metrics: pd.DataFrame) -> pd.Series:
    """Which rows of a metrics table hold a failed value: NaN that is not undefined by construction."""
    return metrics["value"].isna() & ~undefined_values(metrics)


def metric_counts(metrics: pd.DataFrame) -> dict[str, int]:
    """Size of a metrics table, its failed values (and the units they belong to) and its values
    undefined by construction."""
    failed = metrics[failed_values(metrics)]
    return {"n_metric_rows": len(metrics), "n_models": int(metrics["model"].nunique()),
            "n_settings": int(metrics["setting"].nunique()), "n_units": int(metrics["unit"].nunique()),
            "n_failed_values": len(failed), "n_failed_units": int(failed["unit"].nunique()),
            "n_undefined_values": int(undefined_values(metrics).sum())}


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


def undefined_scores(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, str]:
    """The scores of :func:`regression_scores` undefined by construction for this prediction, with their
    notes: R² and the squared Pearson r need observed values that vary, the squared Pearson r also
    predictions that vary (a constant prediction, e.g. the training mean, has no correlation).

    "Vary" means two values differ: the standard deviation of a constant array can come out a few
    ulps above zero, and the correlation of such a prediction is rounding noise, not a score.
    """
    y_true, y_pred = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    if len(y_true) < 2 or np.ptp(y_true) == 0:
        reason = "one observed value" if len(y_true) < 2 else "constant observed values"
        return {"r2": undefined_note(f"R² of {reason}"), "pearson_r2": undefined_note(f"correlation with {reason}")}
    if np.ptp(y_pred) == 0:
        return {"pearson_r2": undefined_note("correlation of a constant prediction")}
    return {}


def regression_scores(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    """RMSE, MAE, R² (1 − SSE/SST), squared Pearson r and max |error| of a prediction, in the target's
    unit; the scores :func:`undefined_scores` names are NaN."""
    y_true = np.asarray(y_true, dtype=float)
    y_pred = np.asarray(y_pred, dtype=float)
    residual = y_pred - y_true
    sse = float(np.sum(residual**2))
    undefined = undefined_scores(y_true, y_pred)
    scores = {"rmse": math.sqrt(sse / len(y_true)), "mae": float(np.mean(np.abs(residual))), "r2": math.nan,
              "pearson_r2": math.nan, "max_error": float(np.max(np.abs(residual))), "bias": float(np.mean(residual))}
    if "r2" not in undefined:
        scores["r2"] = 1.0 - sse / float(np.sum((y_true - y_true.mean()) ** 2))
    if "pearson_r2" not in undefined:
        scores["pearson_r2"] = float(np.corrcoef(y_true, y_pred)[0, 1] ** 2)
    return scores


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
