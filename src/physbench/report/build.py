"""Entry points of the report rules: aggregate every study's results, and write the HTML report."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from physbench.io import write_bytes, write_json
from physbench.metrics import aggregate, metric_counts, read_metrics
from physbench.report import html
from physbench.report.overview import overview_page
from physbench.report.page import page_for
from physbench.report.pages import headline_card, numeric_or_none, study_page

log = logging.getLogger(__name__)


def headline(summary: dict, keys: Sequence[str] | None = None) -> dict:
    """The numbers and names of a study's summary.json worth diffing across versions.

    Keeps ``keys`` (all top-level keys when None), recursing into dicts; drops lists, nulls and
    non-finite numbers, so ``dvc metrics diff`` sees only scalars.
    """
    def prune(value):
        if isinstance(value, Mapping):
            kept = {str(k): prune(v) for k, v in value.items()}
            return {k: v for k, v in kept.items() if v is not None and v != {}}
        if isinstance(value, bool | str):
            return value
        if isinstance(value, int | float):
            return numeric_or_none(value)
        return None

    chosen = summary if keys is None else {k: summary[k] for k in keys if k in summary}
    return prune(chosen)


def aggregate_results(metrics_paths: Mapping[str, str | os.PathLike], summary_paths: Mapping[str, str | os.PathLike],
                      metrics_out: str | os.PathLike, summary_out: str | os.PathLike) -> dict:
    """Concatenate the studies' metrics into ``metrics_out`` and write ``summary_out``:
    ``{study: {"headline": ..., "counts": ...}}`` for ``dvc metrics diff``."""
    studies = sorted(metrics_paths)
    frame = aggregate([metrics_paths[s] for s in studies], metrics_out)
    result = {}
    for study in studies:
        summary = json.loads(Path(summary_paths[study]).read_text())
        part = frame[frame["study"] == study]
        result[study] = {"headline": headline(summary, page_for(study).headline_keys), "counts": metric_counts(part)}
        log.info("%s: %d metric rows, %d failed values, %d undefined", study, len(part),
                 result[study]["counts"]["n_failed_values"], result[study]["counts"]["n_undefined_values"])
    write_json(summary_out, result)
    return result


def copy_baseline(sources: Sequence[str | os.PathLike], destinations: Sequence[str | os.PathLike]) -> None:
    """Copy the aggregated metrics and headline to the git-tracked baseline (atomic writes)."""
    for source, destination in zip(sources, destinations, strict=True):
        write_bytes(destination, Path(source).read_bytes())
        log.info("baseline: %s -> %s", source, destination)


def read_captions(paths: Sequence[str | os.PathLike]) -> dict[str, str]:
    """Caption texts of ``workflow/report/*.rst`` files by file stem (Jinja markup left as written)."""
    return {Path(p).stem: Path(p).read_text().strip() for p in paths}


def build_report(studies: Sequence[str], results_dir: str | os.PathLike, out: str | os.PathLike, *,
                 metrics_path: str | os.PathLike, summary_path: str | os.PathLike,
                 datasets: Mapping[str, dict], captions: Sequence[str | os.PathLike] = (),
                 figures: Mapping[str, Sequence[str | os.PathLike]] | None = None,
                 benchmarks_dir: str | os.PathLike | None = None) -> Path:
    """Write the report to ``out`` (one HTML file): the overview, then one page per study
    (``out#<study>``). ``figures`` maps a study to its PNGs (default: every PNG under
    ``results/<study>/figures``)."""
    results_dir, out = Path(results_dir), Path(out)
    metrics = read_metrics(metrics_path)
    summary = json.loads(Path(summary_path).read_text())
    caption_texts = read_captions(captions)
    sections = []
    cards = []
    for study in studies:
        study_dir = results_dir / study
        page = page_for(study)
        pngs = ([Path(p) for p in figures[study]] if figures is not None
                else sorted((study_dir / "figures").glob("*.png")))
        study_summary = json.loads((study_dir / "summary.json").read_text())
        cards.append(headline_card(study, page, study_summary))
        body = study_page(study, page, study_dir, metrics[metrics["study"] == study], study_summary, pngs,
                          caption_texts)
        sections.append((study, study, page.title, body))
    overview = overview_page(studies, {s: page_for(s).title for s in studies}, metrics, summary, datasets,
                             Path(benchmarks_dir) if benchmarks_dir else results_dir / "benchmarks", cards)
    sections.insert(0, ("overview", "Overview", "physbench report", overview))
    write_bytes(out, html.document("physbench report", sections).encode())
    log.info("report: %s with %d study page(s)", out, len(studies))
    return out
