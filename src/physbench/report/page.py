"""What each study contributes to the report: one small page description per study, kept in the
study's own package as ``physbench.<study>.page.PAGE``.

A study page is built from what the study writes under ``results/<study>/``: its ``summary.json``,
its PNG figures under ``figures/``, its ``metrics.parquet`` and the extra tables its page names. A
study without a page module still gets a page (:func:`page_for` falls back to a generic one), so a
new study appears in the report as soon as its outputs exist.

A page may also say what its study found in one sentence built from ``summary.json``
(``headline_sentence``, with :func:`summary_value`, :func:`quantity` and :func:`sentence` to build it
without failing on missing keys), next to the published values it is read against (``references``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TableSpec:
    """A Parquet table under ``results/<study>/`` shown on the study page.

    ``units`` maps a column (``rmse`` for the pair ``rmse_mean``/``rmse_std``, ``vpt`` for
    ``median_vpt``/``vpt_ci_low``/``vpt_ci_high``) to its physical unit; ``columns`` picks and orders
    the columns after those pairs are combined (None: all); ``sort`` gives the initial row order.
    Text cells longer than ``max_text`` characters show their start, the whole text on hover, so that a
    long note does not stretch every row of a wide table.
    """

    file: str
    title: str
    caption: str = ""
    units: Mapping[str, str] = field(default_factory=dict)
    columns: Sequence[str] | None = None
    sort: Sequence[str] = ()
    ascending: bool | Sequence[bool] = True
    max_rows: int = 300
    max_text: int = 40


@dataclass(frozen=True)
class Gallery:
    """Small PNGs under ``results/<study>/<directory>``, one per item (a galaxy, a system), shown as a grid
    that a text box filters by the items' names (the file stems); each figure has the anchor
    ``<study>-<name>``, and the cells of column ``item_column`` of the page's tables link to it."""

    directory: str
    title: str
    caption_file: str = ""
    item_column: str = ""


@dataclass(frozen=True)
class Reference:
    """A published value a study's headline is read against: who found it under which protocol
    (``label``), the value in words with its unit (``value``), and where it was published (``citation``)."""

    label: str
    value: str
    citation: str


@dataclass(frozen=True)
class StudyPage:
    """How a study's page looks.

    ``figures`` orders figure stems (figures not listed follow alphabetically); a caption comes from
    ``workflow/report/<caption_files[stem] or study_stem>.rst`` when that file is passed to the
    report, otherwise from ``captions``. ``metric_filter`` restricts the generic metrics table to
    some values of key columns (e.g. ``{"unit": ["all"]}``); ``headline_keys`` picks the
    summary.json keys copied into ``summary.json`` (top level) (None: every number and name);
    ``highlights`` are the dotted summary.json keys shown at the top of the page (glob patterns
    such as ``settings.*.best_model``; None: the top-level numbers and names).
    ``units_are_replicates`` says what the study's metric ``unit`` is: a replicate (a galaxy, a
    system), which ``physbench compare`` pairs over, or, when False, a sub-population (SuperCon's
    ``all`` and materials families), which it compares on its own.
    ``headline_sentence`` turns summary.json into the sentence of the study's card on the overview
    (it must accept a summary with any key missing, e.g. that of a quick run; an empty sentence, or
    none, shows the highlights instead); ``references`` are the published values shown beside it.
    ``gallery``: a searchable grid of one small figure per item, after the figures.
    """

    title: str
    description: str = ""
    tables: Sequence[TableSpec] = ()
    figures: Sequence[str] = ()
    captions: Mapping[str, str] = field(default_factory=dict)
    caption_files: Mapping[str, str] = field(default_factory=dict)
    metric_filter: Mapping[str, Sequence[str]] = field(default_factory=dict)
    headline_keys: Sequence[str] | None = None
    highlights: Sequence[str] | None = None
    units_are_replicates: bool = True
    headline_sentence: Callable[[Mapping], str] | None = None
    references: Sequence[Reference] = ()
    gallery: Gallery | None = None


def summary_value(summary: Mapping, dotted_key: str):
    """The value of summary.json at ``dotted_key`` (``settings.li2020.best_model``); None when a part
    of the key is missing or the value is null, NaN or infinite."""
    value = summary
    for part in dotted_key.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def quantity(label: str, value, unit: str = "", digits: int = 3) -> str:
    """``label value unit`` with the value to ``digits`` significant figures, trailing zeros kept
    (``RMSE 9.40 K``); empty when the value is missing, so that :func:`sentence` leaves it out."""
    from physbench.report.html import format_number  # here: the study packages' environments lack Jinja2

    if value is None or isinstance(value, Mapping | list):
        return ""
    text = format_number(value, digits, trailing_zeros=True)
    if text == "—":
        return ""
    return " ".join(part for part in (label, text, unit) if part)


def sentence(*parts: str, separator: str = ", ") -> str:
    """The non-empty ``parts`` joined by ``separator``."""
    return separator.join(part for part in parts if part)


def page_for(study: str) -> StudyPage:
    """The page of ``study`` (``physbench.<study>.page.PAGE``), or a generic one titled by its name."""
    from physbench.workflow import study_module

    module = study_module(study, "page")
    return module.PAGE if module is not None else StudyPage(title=study)
