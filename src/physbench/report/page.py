"""What each study contributes to the report: one small page description per study, kept in the
study's own package as ``physbench.<study>.page.PAGE``.

A study page is built from what the study writes under ``results/<study>/``: its ``summary.json``,
its PNG figures under ``figures/``, its ``metrics.parquet`` and the extra tables its page names. A
study without a page module still gets a page (:func:`page_for` falls back to a generic one), so a
new study appears in the report as soon as its outputs exist.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TableSpec:
    """A Parquet table under ``results/<study>/`` shown on the study page.

    ``units`` maps a column (``rmse`` for the pair ``rmse_mean``/``rmse_std``, ``vpt`` for
    ``median_vpt``/``vpt_ci_low``/``vpt_ci_high``) to its physical unit; ``columns`` picks and orders
    the columns after those pairs are combined (None: all); ``sort`` gives the initial row order.
    """

    file: str
    title: str
    caption: str = ""
    units: Mapping[str, str] = field(default_factory=dict)
    columns: Sequence[str] | None = None
    sort: Sequence[str] = ()
    ascending: bool | Sequence[bool] = True
    max_rows: int = 300


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


def page_for(study: str) -> StudyPage:
    """The page of ``study`` (``physbench.<study>.page.PAGE``), or a generic one titled by its name."""
    from physbench.workflow import study_module

    module = study_module(study, "page")
    return module.PAGE if module is not None else StudyPage(title=study)
