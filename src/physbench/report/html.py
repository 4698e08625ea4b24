"""HTML of the report: numbers formatted for display, tables and figures as data for the templates,
and the Jinja2 environment that renders the templates of ``physbench/report/templates``.

Every page is a single file that opens from disk: styles and the table-sorting script are inline,
figures are embedded as ``data:`` URIs, and a Content-Security-Policy forbids any network request.
The templates own the markup and escape every value (autoescape); a rendered template is
:class:`~markupsafe.Markup`, so one can be nested in another without being escaped again.
"""

from __future__ import annotations

import base64
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

TEMPLATES = Environment(
    loader=PackageLoader("physbench.report", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html.j2",), disabled_extensions=("css", "js"),
                                 default_for_string=True, default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)

CODE_SPAN = re.compile(r"``(.+?)``|`(.+?)`")


def render(template: str, **context) -> Markup:
    """``template`` (a file of ``physbench/report/templates``) rendered with ``context``."""
    return Markup(TEMPLATES.get_template(template).render(**context))


def is_missing(value) -> bool:
    """Whether ``value`` is a missing value: None, NaN or pandas' NA."""
    return value is None or (isinstance(value, float | np.floating) and math.isnan(value)) or value is pd.NA


SCIENTIFIC_BELOW, SCIENTIFIC_ABOVE = 1e-3, 1e6  # magnitudes shown in scientific notation: below and from


def format_number(value, digits: int = 4, trailing_zeros: bool = False) -> str:
    """A number to ``digits`` significant figures: integers as such, floats in fixed notation from 1e-3
    to 1e6 (``0.9248``, ``12350``) and in scientific notation outside (``3.7e-33``, ``1.235e6``), NaN
    as an em dash. Trailing zeros are dropped (``9.4``) unless ``trailing_zeros`` keeps them to show
    the precision (``9.40``)."""
    if is_missing(value):
        return "—"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if not isinstance(value, float | np.floating):
        return str(value)
    value = float(value)
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if value == 0 or (value == int(value) and abs(value) < SCIENTIFIC_ABOVE and not trailing_zeros):
        return str(int(value))
    exponent = _exponent(value, digits)
    if not math.log10(SCIENTIFIC_BELOW) <= exponent < math.log10(SCIENTIFIC_ABOVE):
        return _scientific(value, digits, trailing_zeros)
    decimals = digits - 1 - exponent
    if decimals <= 0:
        return str(int(round(value, decimals)))
    return _strip(f"{value:.{decimals}f}", trailing_zeros)


def _exponent(value: float, digits: int) -> int:
    """The power of ten of ``value`` once rounded to ``digits`` significant figures (9.99996 -> 1)."""
    return int(f"{value:.{digits - 1}e}".split("e")[1])


def _scientific(value: float, digits: int, trailing_zeros: bool = False) -> str:
    """``value`` as ``mantissa`` e ``power`` (``3.7e-33``), the mantissa to ``digits`` significant figures."""
    mantissa, power = f"{value:.{digits - 1}e}".split("e")
    return f"{_strip(mantissa, trailing_zeros)}e{int(power)}"


def _strip(text: str, trailing_zeros: bool) -> str:
    """Fixed-point text without trailing zeros after the decimal point (and without a bare point)."""
    return text if trailing_zeros or "." not in text else text.rstrip("0").rstrip(".")


def format_uncertain(value, sd, unit: str = "") -> str:
    """``value ± sd unit`` with sd to two significant figures and the value to the same decimal place
    (``14.52 ± 0.23 K``); in scientific notation with a common power of ten when the larger of the two
    calls for it (:func:`format_number`: ``(3.7 ± 1.2)e-33``). An sd below the value's fourth
    significant figure, or beyond the sixth decimal, is written apart (``9.1 ± 1e-15``)."""
    if is_missing(value):
        return "—"
    suffix = f" {unit}" if unit and unit not in ("1", "count") else ""
    if is_missing(sd) or sd == 0:
        return f"{format_number(value)}{suffix}"
    value, sd = float(value), abs(float(sd))
    magnitude = max(abs(value), sd)
    decimals = max(0, 1 - _exponent(sd, 2))
    scientific = not SCIENTIFIC_BELOW <= magnitude < SCIENTIFIC_ABOVE
    if sd < magnitude * 1e-4 or (decimals > 6 and not scientific):
        return f"{format_number(value)} ± {format_number(sd, 2)}{suffix}"
    if scientific:
        power = _exponent(magnitude, 2)
        return f"({format_uncertain(value / 10.0**power, sd / 10.0**power)})e{power}{suffix}"
    return f"{value:.{decimals}f} ± {sd:.{decimals}f}{suffix}"


def format_interval(value, low, high, unit: str = "") -> str:
    """``value [low, high] unit`` (e.g. a median with its 95% interval)."""
    suffix = f" {unit}" if unit and unit not in ("1", "count") else ""
    if is_missing(low) or is_missing(high):
        return f"{format_number(value)}{suffix}"
    return f"{format_number(value)} [{format_number(low)}, {format_number(high)}]{suffix}"


class Cell:
    """A table cell: display text, the value it sorts by (e.g. ``12.3 ± 0.4 K`` sorted by 12.3),
    whether it is a number (right-aligned), the target it links to and the full text shown on hover
    (``title``, e.g. a whole checksum of which the text shows the start), if any; ``sort_key`` is its
    ``data-sort`` attribute (None: the cell sorts by its text)."""

    __slots__ = ("text", "sort", "numeric", "href", "title", "sort_key")

    def __init__(self, text: str, sort=None, numeric: bool = True, href: str | None = None,
                 title: str | None = None):
        self.text, self.sort, self.numeric, self.href, self.title = text, sort, numeric, href, title
        self.sort_key = None if sort is None or is_missing(sort) else str(sort)


def clipped(text: str, length: int) -> Cell:
    """A text cell showing the first ``length`` characters of ``text`` (then "…"), the whole of it on hover."""
    if len(text) <= length:
        return Cell(text, numeric=False)
    return Cell(text[:length] + "…", numeric=False, title=text)


def short_checksum(checksum: str, length: int = 12) -> Cell:
    """A checksum shown by its first ``length`` characters, the whole of it on hover."""
    return clipped(checksum, length)


def cell(value) -> Cell:
    """The cell of a table value: numbers formatted and sorted by value, anything else as text."""
    if isinstance(value, Cell):
        return value
    if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool | np.bool_):
        return Cell(format_number(value), sort=None if is_missing(value) else float(value))
    return Cell("" if is_missing(value) else str(value), numeric=False)


@dataclass(frozen=True)
class Row:
    """A table row: its cells and its CSS class (``flagged`` highlights it; empty: none)."""

    cells: list[Cell]
    css_class: str = ""


@dataclass(frozen=True)
class Table:
    """A table for the ``table`` macro: column headers, the rows shown, and the number of rows in all
    (more than those shown when the table was cut)."""

    headers: list[str]
    rows: list[Row]
    total_rows: int
    sortable: bool = True


def table(frame: pd.DataFrame, *, max_rows: int | None = None, sortable: bool = True,
          row_classes: Sequence[str] | None = None, headers: Mapping[str, str] | None = None) -> Table:
    """The table of ``frame`` (values may be :class:`Cell`), cut to its first ``max_rows`` rows;
    ``headers`` renames columns for display."""
    shown = frame if max_rows is None else frame.head(max_rows)
    headers = headers or {}
    rows = [Row([cell(v) for v in values], row_classes[i] if row_classes is not None and row_classes[i] else "")
            for i, values in enumerate(shown.itertuples(index=False))]
    return Table([str(headers.get(c, c)) for c in frame.columns], rows, len(frame), sortable)


def key_values(items: Iterable[tuple[str, object]]) -> list[tuple[str, str]]:
    """(key, value) pairs for the ``key_values`` macro, values formatted by :func:`format_number`."""
    return [(str(key), format_number(value)) for key, value in items]


@dataclass(frozen=True)
class Figure:
    """An embedded PNG: its ``data:`` URI, alternative text, title, and caption as paragraphs of
    (text, is code) spans."""

    src: str
    alt: str
    title: str
    caption: list[list[tuple[str, bool]]]


def image_data_uri(path: str | os.PathLike) -> str:
    """The ``data:`` URI of a PNG file (any other format is refused)."""
    data = Path(path).read_bytes()
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValueError(f"{path}: not a PNG file; figures of the report must be PNG (physbench.io.save_figure)")
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def figure(path: str | os.PathLike, caption: str, title: str = "") -> Figure:
    """An embedded PNG with its caption (``caption`` is plain text; ``code`` spans are kept)."""
    return Figure(image_data_uri(path), title or Path(path).stem, title, caption_spans(caption))


def caption_spans(text: str) -> list[list[tuple[str, bool]]]:
    """Paragraphs of a plain-text caption (split at blank lines; a one-paragraph caption has its
    whitespace collapsed), each a list of (text, is code) spans: RST/markdown ``code`` spans are code."""
    text = " ".join(text.split()) if "\n\n" not in text else text.strip()
    paragraphs = []
    for paragraph in text.split("\n\n"):
        spans, start = [], 0
        for match in CODE_SPAN.finditer(paragraph):
            spans += [(paragraph[start:match.start()], False), (match.group(1) or match.group(2), True)]
            start = match.end()
        spans.append((paragraph[start:], False))
        paragraphs.append([(span, code) for span, code in spans if span or code])
    return paragraphs


@dataclass(frozen=True)
class Section:
    """One page of a document: its id (the URL fragment), tab label, heading and rendered body."""

    id: str
    label: str
    heading: str
    body: Markup


def document(title: str, sections: Sequence[tuple[str, str, str, Markup]],
             links: Sequence[tuple[str, str]] = ()) -> str:
    """A complete HTML document of one or more pages, each an (id, tab label, heading, body) section
    whose body is a rendered template.

    With several sections only one shows at a time: the one named by the URL fragment
    (``index.html#supercon``), the first when there is none; ``links`` are extra (label, href) tabs.
    """
    return TEMPLATES.get_template("document.html.j2").render(
        title=title, sections=[Section(*section) for section in sections], links=list(links))


def page(title: str, body: Markup, links: Sequence[tuple[str, str]] = ()) -> str:
    """A complete HTML document with one page."""
    return document(title, [("page", title, title, body)], links)
