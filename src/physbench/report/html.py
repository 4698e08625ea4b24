"""HTML building blocks of the report: one page template, sortable tables, embedded figures.

Every page is a single file that opens from disk: styles and the table-sorting script are inline,
figures are embedded as ``data:`` URIs, and a Content-Security-Policy forbids any network request.
"""

from __future__ import annotations

import base64
import html
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;color:#1b1f24;
background:#fafbfc;line-height:1.45}
header{background:#24364b;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1.4rem;align-items:baseline;flex-wrap:wrap}
header .brand{font-weight:700;font-size:1.1rem}
header a{color:#cfe3ff;text-decoration:none}
main{padding:1rem 1.4rem;max-width:1400px}
section.page{scroll-margin-top:0}
h1{font-size:1.5rem;margin:.4rem 0 .8rem}
h2{font-size:1.2rem;margin:1.6rem 0 .5rem;border-bottom:1px solid #d8dee4;padding-bottom:.2rem}
p.note,figcaption,.caption{color:#4a5460;font-size:.9rem}
table{border-collapse:collapse;font-size:.85rem;margin:.4rem 0 1rem;background:#fff}
th,td{border:1px solid #d8dee4;padding:.2rem .5rem;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
th{background:#eef2f6;position:sticky;top:0}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th::after{content:" \\2195";color:#8a96a3;font-size:.75rem}
table.sortable th[aria-sort=ascending]::after{content:" \\2191";color:#1b1f24}
table.sortable th[aria-sort=descending]::after{content:" \\2193";color:#1b1f24}
tr.flagged td{background:#fff1e6}
.scroll{max-height:36rem;overflow:auto;display:inline-block;max-width:100%}
figure{display:inline-block;margin:.5rem 1rem 1rem 0;max-width:100%;vertical-align:top}
figure img{max-width:min(100%,900px);height:auto;border:1px solid #d8dee4;background:#fff}
figure.wide img{max-width:100%}
code,.mono{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.85em}
dl.kv{display:grid;grid-template-columns:max-content auto;gap:.15rem 1rem;margin:.4rem 0 1rem}
dl.kv dt{font-weight:600}
dl.kv dd{margin:0}
.tag{display:inline-block;padding:0 .4rem;border-radius:.6rem;font-size:.8rem;background:#e6edf5}
.tag.bad{background:#ffd8d8}.tag.good{background:#d9f2dd}
"""

SORT_SCRIPT = """
(function () {
  function key(cell) {
    var raw = cell.getAttribute("data-sort");
    var text = raw === null ? cell.textContent.trim() : raw;
    var number = text === "" ? NaN : Number(text);
    return {text: text, number: isNaN(number) ? null : number};
  }
  function compare(a, b) {
    if (a.number !== null && b.number !== null) { return a.number - b.number; }
    if (a.number !== null) { return -1; }
    if (b.number !== null) { return 1; }
    return a.text.localeCompare(b.text, undefined, {numeric: true});
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      th.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r, s) {
          var order = compare(key(r.cells[index]), key(s.cells[index]));
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();
"""


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float | np.floating) and math.isnan(value)) or value is pd.NA


def format_number(value, digits: int = 4) -> str:
    """Human format: integers as such, floats to ``digits`` significant figures, NaN as an em dash."""
    if is_missing(value):
        return "—"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        value = float(value)
        if math.isinf(value):
            return "∞" if value > 0 else "−∞"
        if value == int(value) and abs(value) < 1e9:
            return str(int(value))
        return f"{value:.{digits}g}"
    return str(value)


def format_uncertain(value, sd, unit: str = "") -> str:
    """``value ± sd unit`` with sd to two significant figures and the value to the same decimal place."""
    if is_missing(value):
        return "—"
    suffix = f" {unit}" if unit and unit not in ("1", "count") else ""
    if is_missing(sd) or sd == 0:
        return f"{format_number(value)}{suffix}"
    decimals = max(0, 1 - int(math.floor(math.log10(abs(float(sd))))))
    return f"{float(value):.{decimals}f} ± {float(sd):.{decimals}f}{suffix}"


def format_interval(value, low, high, unit: str = "") -> str:
    """``value [low, high] unit`` (e.g. a median with its 95% interval)."""
    suffix = f" {unit}" if unit and unit not in ("1", "count") else ""
    if is_missing(low) or is_missing(high):
        return f"{format_number(value)}{suffix}"
    return f"{format_number(value)} [{format_number(low)}, {format_number(high)}]{suffix}"


def _cell(value) -> str:
    if isinstance(value, Cell):
        return value.html()
    if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool | np.bool_):
        sort = "" if is_missing(value) else f' data-sort="{float(value)!r}"'
        return f'<td class="num"{sort}>{esc(format_number(value))}</td>'
    return f"<td>{esc('' if is_missing(value) else value)}</td>"


class Cell:
    """A table cell with display text and a separate sort key (e.g. ``12.3 ± 0.4 K`` sorted by 12.3)."""

    def __init__(self, text: str, sort=None, numeric: bool = True, raw_html: bool = False):
        self.text, self.sort, self.numeric, self.raw_html = text, sort, numeric, raw_html

    def html(self) -> str:
        sort = "" if self.sort is None or is_missing(self.sort) else f' data-sort="{esc(self.sort)}"'
        cls = ' class="num"' if self.numeric else ""
        body = self.text if self.raw_html else esc(self.text)
        return f"<td{cls}{sort}>{body}</td>"


def table(frame: pd.DataFrame, *, max_rows: int | None = None, sortable: bool = True,
          row_classes: Sequence[str] | None = None, headers: Mapping[str, str] | None = None) -> str:
    """An HTML table of ``frame`` (cells may be :class:`Cell`); long tables scroll and say what was cut."""
    shown = frame if max_rows is None else frame.head(max_rows)
    headers = headers or {}
    head = "".join(f"<th>{esc(headers.get(c, c))}</th>" for c in frame.columns)
    rows = []
    for i, row in enumerate(shown.itertuples(index=False)):
        cls = f' class="{esc(row_classes[i])}"' if row_classes is not None and row_classes[i] else ""
        rows.append(f"<tr{cls}>" + "".join(_cell(v) for v in row) + "</tr>")
    attr = ' class="sortable"' if sortable else ""
    out = f'<div class="scroll"><table{attr}><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
    if max_rows is not None and len(frame) > max_rows:
        out += f'<p class="note">First {max_rows} of {len(frame)} rows.</p>'
    return out


def key_values(items: Iterable[tuple[str, object]]) -> str:
    body = "".join(f"<dt>{esc(k)}</dt><dd>{v if isinstance(v, Raw) else esc(format_number(v))}</dd>" for k, v in items)
    return f'<dl class="kv">{body}</dl>'


class Raw(str):
    """Text that is already HTML (not escaped again by :func:`key_values`)."""


def image_data_uri(path: str | os.PathLike) -> str:
    data = Path(path).read_bytes()
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValueError(f"{path}: not a PNG file; figures of the report must be PNG (physbench.io.save_figure)")
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def figure(path: str | os.PathLike, caption: str, title: str = "") -> str:
    """An embedded PNG with its caption (``caption`` is plain text; ``code`` spans are kept)."""
    alt = esc(title or Path(path).stem)
    heading = f"<strong>{esc(title)}.</strong> " if title else ""
    return (f'<figure class="wide"><img src="{image_data_uri(path)}" alt="{alt}">'
            f"<figcaption>{heading}{inline_markup(caption)}</figcaption></figure>")


def inline_markup(text: str) -> str:
    """Escape plain text, turning RST/markdown ``code`` spans into <code> and blank lines into breaks."""
    escaped = esc(" ".join(text.split()) if "\n\n" not in text else text.strip())
    escaped = re.sub(r"``(.+?)``|`(.+?)`", lambda m: f"<code>{m.group(1) or m.group(2)}</code>", escaped)
    return escaped.replace("\n\n", "<br><br>")


def document(title: str, sections: Sequence[tuple[str, str, str, str]], links: Sequence[tuple[str, str]] = ()) -> str:
    """A complete HTML document of one or more pages, each a (id, tab label, heading, body) section.

    With several sections only one shows at a time: the one named by the URL fragment
    (``index.html#supercon``), the first when there is none; ``links`` are extra (label, href) tabs.
    """
    tabs = "".join(f'<a href="#{esc(sid)}">{esc(label)}</a>' for sid, label, _, _ in sections if len(sections) > 1)
    tabs += "".join(f'<a href="{esc(href)}">{esc(label)}</a>' for label, href in links)
    pages = "".join(f'<section class="page" id="{esc(sid)}"><h1>{esc(heading)}</h1>{body}</section>'
                    for sid, _, heading, body in sections)
    style = STYLE
    if len(sections) > 1:
        first = sections[0][0]
        current = ",".join(f'body:has(#{sid}:target) header a[href="#{sid}"]' for sid, _, _, _ in sections[1:])
        style += (
            "@supports selector(:has(a)){.page{display:none}.page:target{display:block}"
            f"body:not(:has(.page:target)) #{first}{{display:block}}"
            f'body:not(:has(.page:target)) header a[href="#{first}"],{current}'
            "{color:#fff;font-weight:700;border-bottom:2px solid #fff}}"
        )
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{esc(title)}</title><style>{style}</style></head><body>"
        f'<header><span class="brand">physbench</span>{tabs}</header>'
        f"<main>{pages}</main><script>{SORT_SCRIPT}</script></body></html>\n"
    )


def page(title: str, body: str, links: Sequence[tuple[str, str]] = ()) -> str:
    """A complete HTML document with one page."""
    return document(title, [("page", title, title, body)], links)
