"""Featurisers: composition (element counts) -> feature matrix.

``hamidieh``: the 81 features of Hamidieh (2018): ``number_of_elements`` and, for each of the 8
element properties t, ten statistics over the n elements present with proportions p:
mean, wtd_mean (Σ p t), gmean, wtd_gmean (Π |t|^p), entropy of w = |t|/Σ|t|, wtd_entropy of
A = p|t|/Σ p|t|, range, wtd_range (max p t − min p t), std (population) and wtd_std
(sqrt Σ p (t − wtd_mean)²). An element whose property is missing is dropped for that property
only and p is not renormalised (as in the author's code).

``fractions``: the 86 element fractions p.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from physbench.io import read_parquet, write_parquet
from physbench.supercon.data import PROPERTIES, TARGET, load_element_table

log = logging.getLogger(__name__)

STATISTICS = ("mean", "wtd_mean", "gmean", "wtd_gmean", "entropy", "wtd_entropy", "range", "wtd_range",
              "std", "wtd_std")


def hamidieh_feature_names() -> list[str]:
    return ["number_of_elements"] + [f"{stat}_{prop}" for prop in PROPERTIES for stat in STATISTICS]


def _xlogx(x: np.ndarray) -> np.ndarray:
    out = np.zeros_like(x)
    positive = x > 0
    out[positive] = x[positive] * np.log(x[positive])
    return out


def property_statistics(counts: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The ten statistics of one property for every material.

    counts: (materials, elements) element counts; values: (elements,) property values (NaN = missing).
    Returns (materials, 10) in the order of :data:`STATISTICS`.
    """
    present_any = counts > 0
    p = counts / counts.sum(axis=1, keepdims=True)
    mask = present_any & ~np.isnan(values)[None, :]
    t = np.where(mask, np.nan_to_num(values)[None, :], 0.0)
    pm = np.where(mask, p, 0.0)
    abs_t = np.abs(t)
    n = mask.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = t.sum(axis=1) / n
        wtd_mean = (pm * t).sum(axis=1)
        log_t = np.where(mask, np.log(np.where(mask, abs_t, 1.0)), 0.0)
        gmean = np.exp(log_t.sum(axis=1) / n)
        wtd_gmean = np.exp((pm * log_t).sum(axis=1))
        w = abs_t / abs_t.sum(axis=1, keepdims=True)
        entropy = -_xlogx(np.where(mask, w, 0.0)).sum(axis=1)
        joint = pm * abs_t
        a = joint / joint.sum(axis=1, keepdims=True)
        wtd_entropy = -_xlogx(np.where(mask, a, 0.0)).sum(axis=1)
        big = np.where(mask, t, -np.inf).max(axis=1)
        small = np.where(mask, t, np.inf).min(axis=1)
        weighted = pm * t
        wtd_range = np.where(mask, weighted, -np.inf).max(axis=1) - np.where(mask, weighted, np.inf).min(axis=1)
        std = np.sqrt((np.where(mask, t - mean[:, None], 0.0) ** 2).sum(axis=1) / n)
        wtd_std = np.sqrt((pm * np.where(mask, t - wtd_mean[:, None], 0.0) ** 2).sum(axis=1))
    return np.column_stack([mean, wtd_mean, gmean, wtd_gmean, entropy, wtd_entropy, big - small, wtd_range,
                            std, wtd_std])


def hamidieh_features(counts: np.ndarray, element_table: pd.DataFrame) -> pd.DataFrame:
    """The 81 Hamidieh features; ``element_table`` rows aligned with the columns of ``counts``."""
    counts = np.asarray(counts, dtype=float)
    blocks = [(counts > 0).sum(axis=1, keepdims=True).astype(float)]
    blocks += [property_statistics(counts, element_table[prop].to_numpy(dtype=float)) for prop in PROPERTIES]
    return pd.DataFrame(np.hstack(blocks), columns=hamidieh_feature_names())


def fraction_features(counts: np.ndarray, elements: list[str]) -> pd.DataFrame:
    """Element fractions p_i = c_i / Σ c (one column per element, named ``frac_<symbol>``)."""
    counts = np.asarray(counts, dtype=float)
    return pd.DataFrame(counts / counts.sum(axis=1, keepdims=True), columns=[f"frac_{e}" for e in elements])


FEATURISERS = {"hamidieh", "fractions"}


def featurise(name: str, counts: np.ndarray, elements: list[str], element_table: pd.DataFrame) -> pd.DataFrame:
    if name == "hamidieh":
        return hamidieh_features(counts, element_table)
    if name == "fractions":
        return fraction_features(counts, elements)
    raise KeyError(f"unknown featuriser {name!r}; choose one of {sorted(FEATURISERS)}")


MATERIAL_COLUMNS = ("source_row", "material", "composition", "family", TARGET)


def build_features(materials_parquet, elements_csv, featuriser: str, out) -> None:
    materials = read_parquet(materials_parquet)
    elements = [c for c in materials.columns if c not in MATERIAL_COLUMNS]
    table = load_element_table(elements_csv, elements)
    features = featurise(featuriser, materials[elements].to_numpy(dtype=float), elements, table)
    log.info("%s: %d materials x %d features", featuriser, *features.shape)
    write_parquet(out, features)
