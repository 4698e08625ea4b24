"""The SuperCon study's pipeline steps, one function per Snakemake rule (paths in, paths out)."""

from __future__ import annotations

import logging

import pandas as pd

from physbench.io import read_parquet, write_parquet
from physbench.metrics import aggregate, write_metrics
from physbench.provenance import Provenance
from physbench.supercon.data import TARGET, element_columns, load_compositions, load_element_table, prepare_materials
from physbench.supercon.evaluate import evaluate_cell
from physbench.supercon.features import featurise
from physbench.supercon.splits import make_split

log = logging.getLogger(__name__)
MATERIAL_COLUMNS = ("source_row", "material", "composition", "family", TARGET)


def build_materials(compositions_csv, out, *, max_rows, subsample_seed, composition_decimals) -> None:
    compositions = load_compositions(compositions_csv)
    materials = prepare_materials(compositions, max_rows, subsample_seed, composition_decimals)
    log.info("%d materials (of %d), %d compositions; families: %s", len(materials), len(compositions),
             materials["composition"].nunique(), materials["family"].value_counts().to_dict())
    write_parquet(out, materials)


def build_features(materials_parquet, elements_csv, featuriser: str, out) -> None:
    materials = read_parquet(materials_parquet)
    elements = [c for c in materials.columns if c not in MATERIAL_COLUMNS]
    table = load_element_table(elements_csv, elements)
    features = featurise(featuriser, materials[elements].to_numpy(dtype=float), elements, table)
    log.info("%s: %d materials x %d features", featuriser, *features.shape)
    write_parquet(out, features)


def build_split(materials_parquet, spec: dict, out) -> None:
    materials = read_parquet(materials_parquet, columns=["composition", "family"])
    split = make_split(spec, materials)
    sizes = split.groupby("fold").size()
    log.info("%s: %d folds, test sizes %s", spec["kind"], len(sizes), sizes.tolist())
    write_parquet(out, split)


def fit_cell(features_parquet, materials_parquet, split_parquet, out_metrics, out_predictions, out_importances, *,
             featuriser, scheme, model_name, params: dict, threads: int) -> None:
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
    )
    write_metrics(metrics, out_metrics)
    write_parquet(out_predictions, predictions)
    write_parquet(out_importances, importances)


def aggregate_study(metrics_paths, predictions_paths, importances_paths, out_metrics, out_predictions,
                    out_importances) -> None:
    frame = aggregate(metrics_paths, out_metrics)
    log.info("aggregated %d metric rows from %d jobs", len(frame), len(metrics_paths))
    write_parquet(out_predictions, pd.concat([read_parquet(p) for p in predictions_paths], ignore_index=True))
    write_parquet(out_importances, pd.concat([read_parquet(p) for p in importances_paths], ignore_index=True))
