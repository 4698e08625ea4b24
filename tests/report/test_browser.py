"""The report in a real headless browser: no console errors, no network, every image decoded, screenshots."""

from __future__ import annotations

import json

import pytest

from physbench.report.build import aggregate_results, build_report

from .chromium import Browser
from .conftest import DATASETS

pytestmark = pytest.mark.workflow  # runs Snakemake, git or DVC: not in the fast tier

SECTION = """(function (id) {
  var section = document.getElementById(id);
  return [getComputedStyle(section).display, section.querySelectorAll("img").length];
})"""
SORT_BY_MODEL = """(function () {
  var section = document.getElementById("supercon");
  var table = section.querySelector("table.sortable");
  var header = Array.prototype.find.call(table.tHead.rows[0].cells,
                                         function (th) { return th.textContent === "rmse"; });
  header.click();
  var first = table.tBodies[0].rows[0].cells[2].textContent;
  header.click();
  return [first, table.tBodies[0].rows[0].cells[2].textContent, header.getAttribute("aria-sort")];
})()"""


def check_page(result: dict, what: str) -> None:
    """No console error, exception or failed load; only file:/data: URLs; every image decoded."""
    assert not result["console_errors"], f"{what}: console errors {result['console_errors']}"
    assert not result["exceptions"], f"{what}: uncaught exceptions {result['exceptions']}"
    assert not result["log_errors"], f"{what}: browser log errors {result['log_errors']}"
    assert not result["failed_requests"], f"{what}: failed loads {result['failed_requests']}"
    remote = [u for u in result["requests"] if not u.startswith(("file:", "data:"))]
    assert not remote, f"{what}: network requests {remote}"
    broken = [i for i in result["images"] if not (i["complete"] and i["width"] > 0 and i["height"] > 0)]
    assert not broken, f"{what}: images that did not render {broken}"


def report_in_browser(chromium, index, studies, artefacts, prefix, capsys) -> dict:
    """Visit the overview and every study page; save screenshots; return the number of images per page."""
    counts = {}
    with Browser(chromium) as browser:
        for page in ["overview", *studies]:
            shot = artefacts / f"{prefix}_{page}.png"
            result = browser.visit(index, shot, fragment="" if page == "overview" else page,
                                   script=f'{SECTION}("{page}")')
            check_page(result, f"{index}#{page}")
            display, counts[page] = result["script"]
            assert display == "block", f"{page}: its page is not the one shown"
            assert shot.stat().st_size > 10_000
    with capsys.disabled():
        print(f"\nreport screenshots ({prefix}): {artefacts}/{prefix}_*.png")
    return counts


def test_synthetic_report_renders_and_sorts(chromium, synthetic_results, artefacts, capsys):
    studies = ["supercon", "toy"]
    aggregate_results({s: synthetic_results / s / "metrics.parquet" for s in studies},
                      {s: synthetic_results / s / "summary.json" for s in studies},
                      synthetic_results / "metrics.parquet", synthetic_results / "summary.json")
    index = synthetic_results / "report/index.html"
    build_report(studies, synthetic_results, index, metrics_path=synthetic_results / "metrics.parquet",
                 summary_path=synthetic_results / "summary.json", datasets=DATASETS)
    assert report_in_browser(chromium, index, studies, artefacts, "synthetic", capsys) == \
        {"overview": 0, "supercon": 2, "toy": 2}
    with Browser(chromium) as browser:
        result = browser.visit(index, artefacts / "synthetic_sorted.png", fragment="supercon", script=SORT_BY_MODEL)
    check_page(result, "sorting")
    assert result["script"] == ["xgboost", "ridge", "descending"]


def test_quick_run_report_renders_in_chromium(chromium, quick_run, artefacts, capsys):
    index = quick_run / "results/report/index.html"
    studies = sorted(json.loads((quick_run / "summary.json").read_text()))
    counts = report_in_browser(chromium, index, studies, artefacts, "quick", capsys)
    for study in studies:
        assert counts[study] == len(list((quick_run / f"results/{study}/figures").glob("*.png"))) > 0
