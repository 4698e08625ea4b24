"""The report in a real headless browser (Playwright): no console errors, no network, every image decoded,
working table sorting, screenshots."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from pathlib import Path

import pytest

from physbench.report.build import aggregate_results, build_report

from .conftest import DATASETS

pytestmark = pytest.mark.workflow  # runs Snakemake, git or DVC: not in the fast tier

SECTION = """id => {
  const section = document.getElementById(id);
  return [getComputedStyle(section).display, section.querySelectorAll("img").length];
}"""
IMAGES = """() => Promise.all(Array.from(document.images, img => img.decode().then(() => true, () => false)
  .then(decoded => ({alt: img.alt, decoded: decoded, complete: img.complete,
                     width: img.naturalWidth, height: img.naturalHeight}))))"""


def short(url: str) -> str:
    return url if len(url) <= 100 else url[:100] + "..."


def watch(page) -> dict:
    """Lists that fill while ``page`` runs: console errors, uncaught exceptions, failed loads, requested URLs."""
    log = {"console_errors": [], "exceptions": [], "failed_requests": [], "requests": []}

    def console(message) -> None:
        if message.type in ("error", "assert"):
            log["console_errors"].append(f"{message.text} at {short(message.location['url'])}")

    page.on("console", console)
    page.on("pageerror", lambda error: log["exceptions"].append(str(error)))
    page.on("requestfailed", lambda request: log["failed_requests"].append(f"{short(request.url)}: {request.failure}"))
    page.on("request", lambda request: log["requests"].append(request.url))
    page.on("websocket", lambda socket: log["requests"].append(socket.url))
    return log


def check_page(log: dict, what: str) -> None:
    """No console error, exception or failed load; only file:/data: URLs; every image decoded."""
    assert not log["console_errors"], f"{what}: console errors {log['console_errors']}"
    assert not log["exceptions"], f"{what}: uncaught exceptions {log['exceptions']}"
    assert not log["failed_requests"], f"{what}: failed loads {log['failed_requests']}"
    remote = [short(u) for u in log["requests"] if not u.startswith(("file:", "data:"))]
    assert not remote, f"{what}: network requests {remote}"
    broken = [i for i in log["images"] if not (i["decoded"] and i["complete"] and i["width"] > 0 and i["height"] > 0)]
    assert not broken, f"{what}: images that did not render {broken}"


@contextmanager
def report_page(browser, index: Path, fragment: str, screenshot: Path, what: str):
    """Yield a fresh 1280x900 page showing ``index#fragment``; afterwards save a full-page screenshot and
    apply :func:`check_page` to everything the page did."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
    try:
        page = context.new_page()
        log = watch(page)
        url = index.resolve().as_uri()
        page.goto(url + (f"#{fragment}" if fragment else ""))
        assert any(u.split("#")[0] == url for u in log["requests"]), f"{what}: requests are not recorded"
        log["images"] = page.evaluate(IMAGES)
        yield page
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=screenshot, full_page=True)
        check_page(log, what)
    finally:
        context.close()


def report_in_browser(browser, index, studies, artefacts, prefix, capsys) -> dict:
    """Visit the overview and every study page; save screenshots; return the number of images per page."""
    counts = {}
    for name in ["overview", *studies]:
        shot = artefacts / f"{prefix}_{name}.png"
        with report_page(browser, index, "" if name == "overview" else name, shot, f"{index}#{name}") as page:
            display, counts[name] = page.evaluate(SECTION, name)
        assert display == "block", f"{name}: its page is not the one shown"
        assert shot.stat().st_size > 10_000
    with capsys.disabled():
        print(f"\nreport screenshots ({prefix}): {artefacts}/{prefix}_*.png")
    return counts


def test_synthetic_report_renders_and_sorts(browser, synthetic_results, artefacts, capsys):
    studies = ["supercon", "toy"]
    aggregate_results({s: synthetic_results / s / "metrics.parquet" for s in studies},
                      {s: synthetic_results / s / "summary.json" for s in studies},
                      synthetic_results / "metrics.parquet", synthetic_results / "summary.json")
    index = synthetic_results / "report/index.html"
    build_report(studies, synthetic_results, index, metrics_path=synthetic_results / "metrics.parquet",
                 summary_path=synthetic_results / "summary.json", datasets=DATASETS)
    assert report_in_browser(browser, index, studies, artefacts, "synthetic", capsys) == \
        {"overview": 0, "supercon": 2, "toy": 2}
    with report_page(browser, index, "supercon", artefacts / "synthetic_sorted.png", "sorting") as page:
        table = page.locator("#supercon table.sortable").first
        header = table.locator("thead th").filter(has_text=re.compile(r"^rmse$"))
        model = table.locator("tbody tr").first.locator("td").nth(2)  # re-resolved after each sort
        header.click()
        ascending = model.inner_text()
        header.click()
        assert [ascending, model.inner_text(), header.get_attribute("aria-sort")] == \
            ["xgboost", "ridge", "descending"]


def test_quick_run_report_renders_in_chromium(browser, quick_run, artefacts, capsys):
    index = quick_run / "results-quick/report/index.html"
    studies = sorted(json.loads((quick_run / "results-quick/summary.json").read_text()))
    counts = report_in_browser(browser, index, studies, artefacts, "quick", capsys)
    for study in studies:  # every figure, the SPARC gallery's one per galaxy (figures/galaxies/) included
        assert counts[study] == len(list((quick_run / f"results-quick/{study}/figures").rglob("*.png"))) > 0
