"""Fit one model on every fold of one split scheme and score it (one pipeline job)."""

from __future__ import annotations

import logging
import time

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from physbench.chunks import chunk_of
from physbench.io import read_parquet, write_parquet
from physbench.metrics import metrics_frame, regression_scores, undefined_scores, write_metrics
from physbench.provenance import Provenance
from physbench.supercon.data import FAMILIES, TARGET
from physbench.supercon.estimators import build_model, feature_importances
from physbench.supercon.splits import iter_folds

log = logging.getLogger(__name__)

STUDY = "supercon"
SCORE_UNITS = {"rmse": "K", "mae": "K", "r2": "1", "pearson_r2": "1", "max_error": "K", "bias": "K"}


def evaluate_cell(
    features: pd.DataFrame,
    materials: pd.DataFrame,
    split: pd.DataFrame,
    *,
    model_name: str,
    model_spec: dict,
    featuriser: str,
    scheme: str,
    dataset: str,
    seed: int,
    n_jobs: int,
    provenance: Provenance,
    chunk: int = 0,
    n_chunks: int = 1,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return (metrics, predictions, importances) of ``model_name`` on the folds of ``scheme`` in the
    ``chunk``-th of ``n_chunks`` slices (:func:`physbench.chunks.chunk_of`; default: every fold).

    Metrics per fold: scores on the whole test set (unit ``all``) and per family present in it,
    plus fit/predict seconds and set sizes. Predictions: one row per (fold, test row).
    """
    x = features.to_numpy(dtype=float)
    y = materials[TARGET].to_numpy(dtype=float)
    family = materials["family"].to_numpy()
    rows, predictions, importances = [], [], []
    key = {"study": STUDY, "dataset": dataset, "setting": featuriser, "model": model_name, "split": scheme}
    folds = chunk_of(list(iter_folds(split, len(y))), chunk, n_chunks)
    for done, (fold, train, test) in enumerate(folds, start=1):
        model = build_model(model_spec, seed=seed + fold, n_jobs=n_jobs)
        with threadpool_limits(limits=n_jobs):  # OpenMP/BLAS pools stay within the job's threads
            start = time.perf_counter()
            model.fit(x[train], y[train])
            fit_s = time.perf_counter() - start
            start = time.perf_counter()
            y_pred = model.predict(x[test])
            predict_s = time.perf_counter() - start
        units = [("all", np.ones(len(test), dtype=bool))] + [
            (name, family[test] == name) for name in FAMILIES if (family[test] == name).any()
        ]
        for unit, mask in units:
            scores = regression_scores(y[test][mask], y_pred[mask])
            notes = undefined_scores(y[test][mask], y_pred[mask])
            if unit == "all":
                rmse_all = scores["rmse"]
            scores["n_test"] = float(mask.sum())
            for metric, value in scores.items():
                rows.append({**key, "unit": unit, "fold": fold, "metric": metric, "value": value,
                             "metric_unit": SCORE_UNITS.get(metric, "count"), "note": notes.get(metric)})
        for metric, value, unit in (("fit_seconds", fit_s, "s"), ("predict_seconds", predict_s, "s"),
                                    ("n_train", float(len(train)), "count")):
            rows.append({**key, "unit": "all", "fold": fold, "metric": metric, "value": value, "metric_unit": unit})
        predictions.append(pd.DataFrame({
            "featuriser": featuriser, "split": scheme, "model": model_name, "fold": np.int32(fold),
            "row": test, "family": family[test], "tc_true_kelvin": y[test], "tc_pred_kelvin": y_pred,
        }))
        weights = feature_importances(model, x.shape[1])
        if weights is not None:
            importances.append(pd.DataFrame({"fold": np.int32(fold), "feature": features.columns,
                                             "importance": weights}))
        log.info("%s/%s/%s fold %d/%d: RMSE %.3f K (train %d, test %d, fit %.1f s)",
                 featuriser, scheme, model_name, done, len(folds), rmse_all, len(train), len(test), fit_s)
    importance = (
        pd.concat(importances, ignore_index=True)
        if importances
        else pd.DataFrame({"fold": pd.Series(dtype="int32"), "feature": pd.Series(dtype=str),
                           "importance": pd.Series(dtype=float)})
    )
    importance.insert(0, "model", model_name)
    importance.insert(0, "split", scheme)
    importance.insert(0, "featuriser", featuriser)
    return metrics_frame(rows, provenance), pd.concat(predictions, ignore_index=True), importance


def fit_cell(features_parquet, materials_parquet, split_parquet, out_metrics, out_predictions, out_importances, *,
             featuriser, scheme, model_name, params: dict, threads: int, chunk: int = 0) -> None:
    """Rule supercon_fit: one model on the ``chunk``-th chunk of the folds of one split scheme (the
    scheme's ``n_chunks``, default 1)."""
    provenance = Provenance.for_job(
        {key: params[key] for key in ("model", "split", "materials", "seed")} | {"featuriser": featuriser},
        params["data_sha256"],
    )
    metrics, predictions, importances = evaluate_cell(
        read_parquet(features_parquet),
        read_parquet(materials_parquet, columns=["family", TARGET]),
        read_parquet(split_parquet),
        model_name=model_name, model_spec=params["model"], featuriser=featuriser, scheme=scheme,
        dataset=params["dataset"], seed=params["seed"], n_jobs=threads, provenance=provenance,
        chunk=chunk, n_chunks=params["split"].get("n_chunks", 1),
    )
    write_metrics(metrics, out_metrics)
    write_parquet(out_predictions, predictions)
    write_parquet(out_importances, importances)
