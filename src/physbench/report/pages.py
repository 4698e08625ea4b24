"""The study pages: headline numbers, tables, metrics with provenance, failures, figures (their data;
the markup is templates/study.html.j2)."""

from __future__ import annotations

import fnmatch
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from markupsafe import Markup

from physbench.metrics import PROVENANCE_COLUMNS, failed_values, undefined_values
from physbench.report import html
from physbench.report.page import Reference, StudyPage, TableSpec

GROUP_COLUMNS = ["dataset", "setting", "model", "split", "metric", "metric_unit"]


def combine_uncertainties(frame: pd.DataFrame, units: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Merge ``x_mean``/``x_std`` into one ``x`` column (``m ± s unit``) and ``median_x``/``x_ci_low``/``x_ci_high``
    into ``median_x`` (``m [lo, hi] unit``); other columns with a unit get it appended. Cells sort by value."""
    units = dict(units or {})
    columns: dict[str, list] = {}
    consumed: set[str] = set()
    for name in frame.columns:
        if name in consumed:
            continue
        base = name[:-5] if name.endswith("_mean") else None
        if base and f"{base}_std" in frame.columns:
            unit = units.get(base, "")
            columns[base] = [html.Cell(html.format_uncertain(m, s, unit), sort=m)
                             for m, s in zip(frame[name], frame[f"{base}_std"])]
            consumed.add(f"{base}_std")
            continue
        base = name[7:] if name.startswith("median_") else None
        if base and f"{base}_ci_low" in frame.columns and f"{base}_ci_high" in frame.columns:
            unit = units.get(base, units.get(name, ""))
            columns[name] = [html.Cell(html.format_interval(m, lo, hi, unit), sort=m)
                             for m, lo, hi in zip(frame[name], frame[f"{base}_ci_low"], frame[f"{base}_ci_high"])]
            consumed.update({f"{base}_ci_low", f"{base}_ci_high"})
            continue
        if name in units and pd.api.types.is_numeric_dtype(frame[name]):
            columns[name] = [html.Cell(_with_unit(v, units[name]), sort=v) for v in frame[name]]
            continue
        columns[name] = list(frame[name])
    return pd.DataFrame(columns, index=frame.index)


def _with_unit(value, unit: str) -> str:
    text = html.format_number(value)
    return text if text == "—" or not unit else f"{text} {unit}"


def provenance_ids(metrics: pd.DataFrame) -> pd.DataFrame:
    """Distinct provenance combinations of a metrics table, numbered P1, P2, ... (most rows first)."""
    combos = (metrics[list(PROVENANCE_COLUMNS)].fillna({"git_revision": "(not in git)"})
              .value_counts(sort=True).rename("rows").reset_index())
    combos.insert(0, "id", [f"P{i + 1}" for i in range(len(combos))])
    return combos


def metrics_summary(metrics: pd.DataFrame, metric_filter: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
    """Per (dataset, setting, model, split, metric): mean ± sd, median, range over units and folds,
    counts of values, of failed values and of values undefined by construction (both NaN; see
    :func:`physbench.metrics.undefined_values`), and the provenance id(s) of its rows."""
    for column, allowed in (metric_filter or {}).items():
        metrics = metrics[metrics[column].isin(list(allowed))]
    if metrics.empty:
        columns = [*GROUP_COLUMNS, "mean", "sd", "median", "min", "max", "n", "n_failed", "n_undefined", "provenance"]
        return pd.DataFrame(columns=columns)
    ids = provenance_ids(metrics)
    keyed = metrics.fillna({"git_revision": "(not in git)"}).merge(ids, on=list(PROVENANCE_COLUMNS), how="left")
    keyed["undefined"] = undefined_values(keyed).to_numpy()
    grouped = keyed.groupby(GROUP_COLUMNS, sort=True)
    table = grouped["value"].agg(["mean", "std", "median", "min", "max", "count", "size"]).reset_index()
    n_undefined = grouped["undefined"].sum().to_numpy().astype(int)
    table["n_failed"] = table.pop("size") - table["count"] - n_undefined
    table["n_undefined"] = n_undefined
    table = table.rename(columns={"std": "sd", "count": "n"})
    table["provenance"] = grouped["id"].agg(lambda s: ",".join(sorted(set(s)))).to_numpy()
    return table


def metrics_table(metrics: pd.DataFrame, page: StudyPage) -> html.Table:
    """The metrics of a study page: :func:`metrics_summary` with mean ± sd and median in the metric's unit."""
    table = metrics_summary(metrics, page.metric_filter)
    shown = pd.DataFrame({
        "setting": table["setting"], "model": table["model"], "split": table["split"], "metric": table["metric"],
        "mean ± sd": [html.Cell(html.format_uncertain(m, s, u), sort=m)
                      for m, s, u in zip(table["mean"], table["sd"], table["metric_unit"])],
        "median": [html.Cell(_with_unit(v, u if u not in ("1", "count") else ""), sort=v)
                   for v, u in zip(table["median"], table["metric_unit"])],
        "min": table["min"], "max": table["max"], "unit": table["metric_unit"], "n": table["n"],
        "failed": table["n_failed"], "undefined": table["n_undefined"], "provenance": table["provenance"],
    })
    return html.table(shown, max_rows=400)


def missing_table(metrics: pd.DataFrame, rows: pd.Series) -> html.Table | None:
    """The missing values among ``rows`` of ``metrics`` (failed or undefined ones) per (setting, model,
    reason) with the units concerned; None when there are none."""
    missing = metrics[rows]
    if missing.empty:
        return None
    grouped = (missing.fillna({"note": "(no reason recorded)"})
               .groupby(["setting", "model", "note"])
               .agg(units=("unit", lambda s: ", ".join(sorted(set(s))[:8]) + (" …" if s.nunique() > 8 else "")),
                    n_units=("unit", "nunique"), n_values=("value", "size"))
               .reset_index().sort_values("n_units", ascending=False))
    return html.table(grouped, max_rows=100)


def flatten(obj, prefix: str = "") -> list[tuple[str, object]]:
    """(dotted key, value) pairs of nested dicts; lists of scalars are joined, lists of records kept."""
    items: list[tuple[str, object]] = []
    if isinstance(obj, Mapping):
        for key, value in obj.items():
            items += flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(obj, list) and obj and all(isinstance(v, Mapping) for v in obj):
        items.append((prefix, pd.DataFrame(obj)))
    elif isinstance(obj, list):
        items.append((prefix, ", ".join(html.format_number(v) for v in obj)))
    else:
        items.append((prefix, obj))
    return items


def summary_tables(summary: dict) -> tuple[html.Table | None, list[tuple[str, html.Table]]]:
    """Every entry of summary.json: one (key, value) table of its scalars (None when it has none), and
    a (dotted key, table) per list of records."""
    pairs = flatten(summary)
    scalars = [(k, v) for k, v in pairs if not isinstance(v, pd.DataFrame)]
    records = [(k, html.table(combine_uncertainties(v), max_rows=200)) for k, v in pairs if isinstance(v, pd.DataFrame)]
    return (html.table(pd.DataFrame(scalars, columns=["key", "value"]), max_rows=500) if scalars else None), records


def highlights(summary: dict, page: StudyPage) -> list[tuple[str, object]]:
    """The page's highlights of summary.json as (dotted key, value), in the order of its patterns."""
    items = [(k, v) for k, v in flatten(summary) if not isinstance(v, pd.DataFrame)]
    if page.highlights is None:
        return [(k, v) for k, v in items if "." not in k and not isinstance(summary.get(k), list)]
    chosen = {k: v for pattern in page.highlights for k, v in items if fnmatch.fnmatchcase(k, pattern)}
    return list(chosen.items())  # in pattern order, each key once


@dataclass(frozen=True)
class HeadlineCard:
    """A study's card on the overview: its headline sentence (empty: the ``highlights`` are shown
    instead) and the published values it is read against."""

    study: str
    title: str
    sentence: str
    highlights: list[tuple[str, str]]
    references: Sequence[Reference]


def headline_card(study: str, page: StudyPage, summary: dict, n_highlights: int = 6) -> HeadlineCard:
    """The overview card of ``study``: the page's headline sentence of ``summary``, or, for a page
    without one (or an empty sentence), its first ``n_highlights`` highlights."""
    text = page.headline_sentence(summary) if page.headline_sentence is not None else ""
    shown = [] if text else html.key_values(highlights(summary, page)[:n_highlights])
    return HeadlineCard(study, page.title, text, shown, tuple(page.references))


def spec_table(spec: TableSpec, path: Path, links: tuple[str, Mapping[str, str]] | None = None) -> html.Table:
    """The table ``spec`` names, read from ``path``: sorted, with uncertainties combined, its columns picked.
    ``links`` = (column, {value: element id}): those cells of that column link to the element."""
    from physbench.io import read_parquet

    frame = read_parquet(path)
    sort = [c for c in spec.sort if c in frame.columns]
    if sort:
        ascending = spec.ascending if isinstance(spec.ascending, bool) else list(spec.ascending)[: len(sort)]
        frame = frame.sort_values(sort, ascending=ascending, kind="stable")
    shown = combine_uncertainties(frame.reset_index(drop=True), spec.units)
    if spec.columns is not None:
        shown = shown[[c for c in spec.columns if c in shown.columns]]
    link_column, targets = links or ("", {})

    def cell(name: str, value):
        if name == link_column and isinstance(value, str) and value in targets:
            return html.Cell(value, sort=value, numeric=False, href=f"#{targets[value]}")
        return html.clipped(value, spec.max_text) if isinstance(value, str) else value

    shown = pd.DataFrame({name: [cell(name, v) for v in column] for name, column in shown.items()}, index=shown.index)
    return html.table(shown, max_rows=spec.max_rows)


def figure_order(paths: Sequence[Path], page: StudyPage) -> list[Path]:
    rank = {stem: i for i, stem in enumerate(page.figures)}
    return sorted(paths, key=lambda p: (rank.get(p.stem, math.inf), p.stem))


def caption_for(study: str, stem: str, page: StudyPage, captions: Mapping[str, str]) -> str:
    """Caption text: the study's workflow/report .rst when present, else the page's own, else none."""
    name = page.caption_files.get(stem, f"{study}_{stem}")
    return captions.get(name) or page.captions.get(stem, "")


def anchor(study: str, name: str) -> str:
    """The element id of item ``name`` of a study's gallery: ``<study>-<name>``, any character other than
    a letter, digit, ``-`` or ``_`` replaced by ``-``."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", f"{study}-{name}")


@dataclass(frozen=True)
class GalleryItem:
    """One figure of a gallery: its anchor id, its name (what the filter matches) and its ``data:`` URI."""

    id: str
    name: str
    src: str


def gallery_items(study: str, directory: Path) -> list[GalleryItem]:
    """The PNGs under ``directory`` as gallery figures, sorted by name (digits by value).

    Names come from the gallery's manifest ``<directory>.tsv`` (:func:`physbench.plotting.save_gallery`:
    first column the item's name, then its file), which keeps a name that its file had to spell
    differently; without a manifest, from the file names.
    """
    manifest = directory.with_name(directory.name + ".tsv")
    if manifest.exists():
        listed = pd.read_csv(manifest, sep="\t", dtype=str, keep_default_na=False)
        named = [(name, directory / file) for name, file in zip(listed.iloc[:, 0], listed["file"])]
    else:
        named = [(p.stem, p) for p in directory.glob("*.png")]
    named.sort(key=lambda item: [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", item[0])])
    return [GalleryItem(anchor(study, name), name, html.image_data_uri(path)) for name, path in named]


def study_page(study: str, page: StudyPage, study_dir: Path, metrics: pd.DataFrame, summary: dict,
               figures: Sequence[Path], captions: Mapping[str, str]) -> Markup:
    """The body of one study's page."""
    scalars, records = summary_tables(summary)
    paths = [(spec, study_dir / spec.file) for spec in page.tables]
    gallery = links = None
    if page.gallery is not None:
        items = gallery_items(study, study_dir / page.gallery.directory)
        gallery = {"title": page.gallery.title, "items": items,
                   "caption": html.caption_spans(captions.get(page.gallery.caption_file, ""))}
        links = (page.gallery.item_column, {item.name: item.id for item in items})
    return html.render(
        "study.html.j2", study=study, description=page.description,
        headline=html.key_values(highlights(summary, page)[:40]),
        figures=[html.figure(p, caption_for(study, p.stem, page, captions), p.stem.replace("_", " "))
                 for p in figure_order(figures, page)],
        tables=[(spec, path.name, spec_table(spec, path, links)) for spec, path in paths if path.exists()],
        metric_filter=", ".join(f"{k} in {list(v)}" for k, v in page.metric_filter.items()),
        metrics=metrics_table(metrics, page), failures=missing_table(metrics, failed_values(metrics)),
        undefined=missing_table(metrics, undefined_values(metrics)),
        provenance=html.table(provenance_ids(metrics), sortable=False), scalars=scalars, records=records,
        gallery=gallery)


def numeric_or_none(value):
    """JSON-safe scalar: NaN and infinities become None."""
    if isinstance(value, float | np.floating):
        return None if not math.isfinite(float(value)) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value
