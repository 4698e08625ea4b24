"""Load and check the SuperCon compositions and the element property table.

``unique_m.csv`` holds, per material, the counts of 86 elements (H..Rn), ``critical_temp`` (K)
and the ``material`` formula. Rows follow the database order (cuprates first), never a random
order: every split shuffles.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from physbench.io import write_parquet

log = logging.getLogger(__name__)

PROPERTIES = (
    "atomic_mass",
    "fie",
    "atomic_radius",
    "Density",
    "ElectronAffinity",
    "FusionHeat",
    "ThermalConductivity",
    "Valence",
)
TARGET = "critical_temp"
FAMILIES = ("cuprate", "iron", "other")
FAMILY_ELEMENTS = ("Cu", "O", "Fe")  # read by families()
FIX = "correct the file (and its sha256 under datasets in config.yaml) or restore the published version"


class SuperconDataError(ValueError):
    """The SuperCon input files are malformed; the message names file and column."""


def load_compositions(path: str | Path) -> pd.DataFrame:
    """Read ``unique_m.csv``: element count columns (float), ``critical_temp`` (K), ``material``."""
    path = Path(path)
    try:
        frame = pd.read_csv(path, low_memory=False)  # whole-file dtypes: a stray text value is one clear error
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as err:
        raise SuperconDataError(f"{path}: cannot be parsed as CSV: {err}") from err
    for column in (TARGET, "material", *FAMILY_ELEMENTS):
        if column not in frame.columns:
            raise SuperconDataError(
                f"{path}: required column {column!r} is missing (columns: {list(frame.columns)[:5]}...); {FIX}"
            )
    if frame.empty:
        raise SuperconDataError(f"{path}: no data rows (only a header); {FIX}")
    elements = [c for c in frame.columns if c not in (TARGET, "material")]
    counts = frame[elements]
    non_numeric = [c for c in elements if not pd.api.types.is_numeric_dtype(counts[c])]
    if non_numeric:
        raise SuperconDataError(f"{path}: element column(s) {non_numeric[:5]} are not numeric; {FIX}")
    _check_values(path, elements, counts.to_numpy(), allow_zero=True)
    _check_values(path, [TARGET], frame[TARGET].to_numpy(), allow_zero=False)
    if (counts.to_numpy().sum(axis=1) <= 0).any():
        row = int(np.flatnonzero(counts.to_numpy().sum(axis=1) <= 0)[0])
        raise SuperconDataError(f"{path}: line {row + 2} (data row {row}) has no element with a positive count; {FIX}")
    return frame


def _check_values(path: Path, columns: list[str], values: np.ndarray, allow_zero: bool) -> None:
    """Element counts must be finite and >= 0, Tc (K) finite and > 0; name the first offending cell."""
    values = np.asarray(values, dtype=float).reshape(len(values), -1)
    bad = ~np.isfinite(values) | (values < 0) | ((values == 0) if not allow_zero else False)
    if bad.any():
        row, column = (int(i) for i in np.argwhere(bad)[0])
        rule = "non-negative" if allow_zero else "positive"
        raise SuperconDataError(
            f"{path}: line {row + 2} (data row {row}), column {columns[column]!r}: value {values[row, column]} must be "
            f"finite and {rule}; {FIX}"
        )


def load_element_table(path: str | Path, elements: list[str]) -> pd.DataFrame:
    """Read ``element_properties.csv`` (index: element symbol; the 8 properties), aligned to ``elements``."""
    path = Path(path)
    table = pd.read_csv(path, index_col="element")
    missing = [p for p in PROPERTIES if p not in table.columns]
    if missing:
        raise SuperconDataError(f"{path}: property column(s) {missing} missing; expected {list(PROPERTIES)}")
    absent = [e for e in elements if e not in table.index]
    if absent:
        raise SuperconDataError(f"{path}: element(s) {absent} of the compositions have no row")
    return table.loc[elements, list(PROPERTIES)].astype(float)


def element_columns(compositions: pd.DataFrame) -> list[str]:
    return [c for c in compositions.columns if c not in (TARGET, "material")]


def composition_keys(counts: np.ndarray, decimals: int = 6) -> np.ndarray:
    """Scale- and order-invariant composition key: a hash of element shares rounded to ``decimals``."""
    shares = np.round(counts / counts.sum(axis=1, keepdims=True), decimals) + 0.0  # +0.0 folds -0.0
    return np.array([hashlib.sha1(row.tobytes()).hexdigest()[:16] for row in shares])


def families(compositions: pd.DataFrame) -> np.ndarray:
    """Materials family: ``cuprate`` (Cu and O present), else ``iron`` (Fe present), else ``other``."""
    cu = compositions["Cu"].to_numpy() > 0
    o = compositions["O"].to_numpy() > 0
    fe = compositions["Fe"].to_numpy() > 0
    return np.where(cu & o, "cuprate", np.where(fe, "iron", "other"))


def prepare_materials(compositions: pd.DataFrame, max_rows: int | None, seed: int, decimals: int) -> pd.DataFrame:
    """The study's material table: original row index, composition key, family, Tc, element counts.

    With ``max_rows`` a seeded random subset (kept in database order) stands in for the whole set.
    """
    rows = np.arange(len(compositions))
    if max_rows is not None and max_rows < len(rows):
        rows = np.sort(np.random.default_rng(seed).choice(rows, size=max_rows, replace=False))
    subset = compositions.iloc[rows].reset_index(drop=True)
    elements = element_columns(subset)
    materials = pd.DataFrame(
        {
            "source_row": rows.astype("int64"),
            "material": subset["material"].astype(str),
            "composition": composition_keys(subset[elements].to_numpy(dtype=float), decimals),
            "family": families(subset),
            TARGET: subset[TARGET].astype(float),
        }
    )
    return pd.concat([materials, subset[elements].astype(float)], axis=1)


def build_materials(compositions_csv, out, *, max_rows, subsample_seed, composition_decimals) -> None:
    compositions = load_compositions(compositions_csv)
    materials = prepare_materials(compositions, max_rows, subsample_seed, composition_decimals)
    log.info("%d materials (of %d), %d compositions; families: %s", len(materials), len(compositions),
             materials["composition"].nunique(), materials["family"].value_counts().to_dict())
    write_parquet(out, materials)
