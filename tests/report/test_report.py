"""The report: aggregation, headline numbers, formatting, study selection, and the HTML it writes."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import yaml

from physbench.metrics import read_metrics
from physbench.report import html
from physbench.report.build import aggregate_results, build_report, headline
from physbench.report.page import page_for
from physbench.report.pages import combine_uncertainties, metrics_summary
from physbench.report.selection import select_studies, studies_named
from tests.conftest import REPO

from .conftest import DATASETS, SUPERCON_BEST

# Summaries shaped like those of the full run (trimmed), with the sentence each study's card makes of them.
FULL_RUN_SUMMARIES = {
    "supercon": ({"best_model": "xgboost", "best_setting": "hamidieh/hamidieh25", "best_n_folds": 25,
                  "best_rmse_kelvin": 9.3973, "best_rmse_pooled_kelvin": 9.4004, "best_r2": 0.9248,
                  "best_pearson_r2": 0.9261, "n_jobs": 42, "scores": {"hamidieh/hamidieh25/mean": {"r2": -0.0}}},
                 "XGBoost, Hamidieh features, 25 random 2/3-1/3 splits: RMSE 9.40 K, R² 0.925 "
                 "(squared Pearson r 0.926)"),
    "sparc": ({"n_galaxies": 175, "settings": {
                  "li2020": {"best_model": "einasto", "best_median_reduced_chi2": 0.72056,
                             "median_reduced_chi2": {"einasto": 0.72056, "nfw": 1.582, "burkert": 0.8644},
                             "bic_wins": {"burkert": 64, "einasto": 23, "nfw": 20}},
                  "lcdm": {"best_model": "dc14", "best_median_reduced_chi2": 0.9,
                           "median_reduced_chi2": {"dc14": 0.9, "nfw": 1.7}, "bic_wins": {"dc14": 80, "nfw": 30}}}},
              "175 galaxies; ΛCDM halo priors (lcdm): lowest median reduced χ² dc14 0.900 (NFW 1.70), most BIC wins "
              "dc14 (80 galaxies); flat halo priors (li2020): lowest median reduced χ² einasto 0.721 (NFW 1.58), "
              "most BIC wins burkert (64 galaxies)"),
    "chaos": ({"n_systems": 135, "smape_metric": "smape_2period", "best_model": {
                  "multivariate": {"by_smape": "nvar_cubic", "by_vpt": "nvar_cubic", "median_smape": 0.09304,
                                   "median_vpt": 5.1349},
                  "univariate": {"by_smape": "knn", "by_vpt": "esn", "median_smape": 69.204, "median_vpt": 0.97445}}},
              "135 systems; multivariate observations, best nvar_cubic: median valid prediction time 5.13 Lyapunov "
              "times, median sMAPE over 2 periods 0.0930; univariate observations, best esn median valid "
              "prediction time 0.974 Lyapunov times, knn median sMAPE over 2 periods 69.2"),
    "dysts_benchmark": ({"baseline": "NBEATSModel", "baseline_median_smape": 67.700, "best_median_smape": 24.575,
                         "best_model": "esn", "n_systems": 131,
                         "models": {"esn": {"median_smape": 24.575, "ci": [11.2, 50.8], "wins": 103, "losses": 28}}},
                        "best of ours esn: median sMAPE 24.6 over 131 systems, better than NBEATSModel on 103 "
                        "systems and worse on 28; NBEATSModel, published, on the same systems: median sMAPE 67.7"),
}


def _aggregate(results):
    studies = ["supercon", "toy"]
    return aggregate_results({s: results / s / "metrics.parquet" for s in studies},
                             {s: results / s / "summary.json" for s in studies},
                             results / "metrics.parquet", results / "summary.json")


def test_aggregate_concatenates_studies_and_writes_dvc_friendly_summary(synthetic_results):
    summary = _aggregate(synthetic_results)
    metrics = read_metrics(synthetic_results / "metrics.parquet")
    assert metrics.groupby("study").size().to_dict() == {"supercon": 15, "toy": 12}
    on_disk = json.loads((synthetic_results / "summary.json").read_text())
    assert on_disk == summary
    # 3 NaN rmse values of a failed fit, 3 NaN pearson_r2 values undefined by construction (not failures).
    assert summary["supercon"]["counts"] == {"n_metric_rows": 15, "n_models": 2, "n_settings": 1, "n_units": 2,
                                             "n_failed_values": 3, "n_failed_units": 1, "n_undefined_values": 3}
    assert summary["toy"]["counts"]["n_failed_values"] == summary["toy"]["counts"]["n_undefined_values"] == 0
    # A study without a page module keeps every scalar; NaN and lists are dropped (dvc metrics diff reads scalars).
    assert summary["toy"]["headline"] == {"best_model": "xgboost", "best_rmse_kelvin": 9.1, "n_failed": 1,
                                          "per_model": {"ridge": {"rmse": 18.1}, "xgboost": {"rmse": 9.1}}}
    assert summary["supercon"]["headline"] == {"best_model": "xgboost", "best_rmse_kelvin": 9.1, **SUPERCON_BEST}
    assert "NaN" not in (synthetic_results / "summary.json").read_text()


def test_headline_prunes_non_finite_lists_and_empty_dicts():
    summary = {"a": 1.5, "b": float("inf"), "c": [1, 2], "d": {"e": None, "f": {"g": np.float64(2.0)}}, "h": {}}
    assert headline(summary) == {"a": 1.5, "d": {"f": {"g": 2.0}}}
    assert headline(summary, ["a", "missing"]) == {"a": 1.5}


@pytest.mark.parametrize("value, sd, unit, expected", [
    (14.5206, 0.2345, "K", "14.52 ± 0.23 K"),
    (0.82403, 0.0074, "1", "0.8240 ± 0.0074"),
    (1234.5, 56.0, "s", "1234 ± 56 s"),
    (3.0, float("nan"), "K", "3 K"),
    (float("nan"), 0.1, "K", "—"),
    (0.5, 0.0996, "1", "0.50 ± 0.10"),  # sd to two significant figures after rounding
    (0.0002, 0.5, "1", "0.00 ± 0.50"),
    (3.7e-33, 1.2e-33, "1", "(3.7 ± 1.2)e-33"),  # not 0.0000000000000000000000000000000037 ± ...
    (-4.693e-4, 5.1e-4, "1", "(-4.7 ± 5.1)e-4"),
    (9.1, 1e-15, "K", "9.1 ± 1e-15 K"),  # rounding noise does not stretch the value to 16 decimals
    (1.2e7, 3e5, "s", "(1.200 ± 0.030)e7 s"),
])
def test_value_with_uncertainty_is_rounded_to_the_uncertainty(value, sd, unit, expected):
    assert html.format_uncertain(value, sd, unit) == expected


@pytest.mark.parametrize("value, expected", [
    (3.7e-33, "3.7e-33"), (-0.000114, "-1.14e-4"), (0.0009999, "9.999e-4"), (0.00123456, "0.001235"),
    (0.92483, "0.9248"), (9.3973, "9.397"), (9.99996, "10"), (-12.3456, "-12.35"), (12345.6, "12350"),
    (999999.4, "1e6"), (1234567.0, "1.235e6"), (25.0, "25"), (0.0, "0"), (np.float32(0.1), "0.1"),
    (np.int64(10532), "10532"), (10**7, "10000000"), (float("nan"), "—"), (float("-inf"), "−∞"), (True, "yes"),
    ("esn", "esn"),
])
def test_numbers_have_four_significant_figures_and_scientific_notation_outside_1e_3_to_1e6(value, expected):
    assert html.format_number(value) == expected


@pytest.mark.parametrize("value, expected", [(9.4004, "9.40"), (0.92613, "0.926"), (25.0, "25.0"),
                                             (0.09304, "0.0930"), (0.0009999, "0.00100"), (2.5e-5, "2.50e-5")])
def test_trailing_zeros_show_the_precision_when_asked(value, expected):
    assert html.format_number(value, 3, trailing_zeros=True) == expected


def test_a_correlation_of_rounding_noise_is_shown_in_scientific_notation_in_the_metrics_table():
    from physbench.metrics import metrics_frame
    from physbench.provenance import Provenance
    from physbench.report.pages import metrics_table

    rows = [{"study": "s", "dataset": "d", "setting": "x", "unit": "all", "model": "mean", "split": "k", "fold": i,
             "metric": "pearson_r2", "value": value, "metric_unit": "1"} for i, value in enumerate([3.7e-33, 4.1e-33,
                                                                                                   2.9e-33])]
    table = metrics_table(metrics_frame(rows, Provenance("0.1.0", "c", "f" * 64, None)), page_for("toy"))
    cells = dict(zip(table.headers, [cell.text for cell in table.rows[0].cells]))
    assert cells["mean ± sd"] == "(3.57 ± 0.61)e-33"
    assert (cells["median"], cells["min"], cells["max"]) == ("3.7e-33", "2.9e-33", "4.1e-33")


def test_mean_sd_and_interval_columns_are_combined_and_sort_by_value():
    frame = pd.DataFrame({"model": ["a", "b"], "rmse_mean": [9.1, 18.14], "rmse_std": [0.12, 0.5],
                          "median_vpt": [1.5, 0.25], "vpt_ci_low": [1.0, 0.1], "vpt_ci_high": [2.0, 0.4],
                          "fit_seconds": [0.5, 2.0]})
    shown = combine_uncertainties(frame, {"rmse": "K", "vpt": "Lyapunov times", "fit_seconds": "s"})
    assert list(shown.columns) == ["model", "rmse", "median_vpt", "fit_seconds"]
    assert shown["rmse"][1].text == "18.14 ± 0.50 K" and shown["rmse"][1].sort == 18.14
    assert shown["median_vpt"][0].text == "1.5 [1, 2] Lyapunov times"
    assert shown["fit_seconds"][1].text == "2 s"


def test_a_long_note_of_a_page_table_is_clipped_with_the_whole_text_on_hover(tmp_path):
    from physbench.io import write_parquet
    from physbench.report.page import TableSpec
    from physbench.report.pages import spec_table

    note = "diverged (clipped at +-1000 std); " * 5
    write_parquet(tmp_path / "t.parquet", pd.DataFrame({"system": ["Lorenz", "Aizawa"], "vpt": [1.5, 2.0],
                                                        "note": [note, "short"]}))
    table = spec_table(TableSpec("t.parquet", "T", max_text=20), tmp_path / "t.parquet")
    lorenz, aizawa = ([cell for cell in row.cells] for row in table.rows)
    assert lorenz[2].text == note[:20] + "…" and lorenz[2].title == note
    assert aizawa[2].text == "short" and aizawa[2].title is None
    assert lorenz[0].text == "Lorenz" and lorenz[1].sort == 1.5
    shown = html.TEMPLATES.get_template("blocks.html.j2").module.table(table)
    assert f'title="{note}"' in shown and note not in shown.replace(f'title="{note}"', "")


def test_the_chaos_table_puts_its_note_last():
    spec = page_for("chaos").tables[0]
    assert spec.columns[-1] == "note" and spec.max_text <= 60


def test_a_gallery_shows_one_anchored_figure_per_item_behind_a_filter(tmp_path):
    from physbench.io import save_figure, write_parquet
    from physbench.metrics import metrics_frame
    from physbench.plotting import plt
    from physbench.provenance import Provenance
    from physbench.report.page import Gallery, StudyPage, TableSpec
    from physbench.report.pages import study_page

    names = ["UGC128", "NGC3198", "D512-2", "NGC300", "F563-V1"]
    for name in names:
        fig, ax = plt.subplots(figsize=(1, 1))
        ax.set_title(name)
        save_figure(fig, tmp_path / "figures/galaxies" / f"{name}.png", dpi=20)
    write_parquet(tmp_path / "fits.parquet", pd.DataFrame({"galaxy": ["NGC300", "NGC0000"], "chi2": [1.0, 2.0]}))
    page = StudyPage("t", tables=(TableSpec("fits.parquet", "Fits"),),
                     gallery=Gallery("figures/galaxies", "Every galaxy", caption_file="t_galaxies",
                                     item_column="galaxy"))
    metrics = metrics_frame([{"study": "sparc", "dataset": "d", "setting": "x", "unit": "NGC300", "model": "nfw",
                              "split": "none", "fold": 0, "metric": "chi2", "value": 1.0, "metric_unit": "1"}],
                            Provenance("0.1.0", "c", "f" * 64, None))
    body = study_page("sparc", page, tmp_path, metrics, {}, [], {"t_galaxies": "One ``figure`` per galaxy."})
    assert body.count('<input type="search" class="gallery-filter"') == 1 and "5 of 5" in body
    assert body.count("<figure id=") == 5 and body.count('<img src="data:image/png;base64,') == 5
    ids = re.findall(r'<figure id="([^"]+)" data-name="([^"]+)"><a href="#\1">', body)
    assert ids == [("sparc-D512-2", "d512-2"), ("sparc-F563-V1", "f563-v1"), ("sparc-NGC300", "ngc300"),
                   ("sparc-NGC3198", "ngc3198"), ("sparc-UGC128", "ugc128")]  # NGC300 before NGC3198: by number
    assert "One <code>figure</code> per galaxy." in body and "<h2>Every galaxy</h2>" in body
    # The table's galaxies link to their figures; a name without a figure stays plain text.
    assert '<a href="#sparc-NGC300">NGC300</a>' in body and "NGC0000</a>" not in body and "NGC0000" in body


def test_a_gallery_anchor_keeps_only_safe_characters():
    from physbench.report.pages import anchor

    assert anchor("sparc", "ESO079-G014") == "sparc-ESO079-G014"
    assert anchor("sparc", "A b/c\"d") == "sparc-A-b-c-d"


def test_a_page_stays_shown_when_the_link_names_an_element_in_it():
    document = html.document("r", [("a", "A", "A", "x"), ("b", "B", "B", '<figure id="b-1"></figure>')])
    assert ".page:has(:target){display:block}" in document
    assert "body:has(#b:target,#b :target)" in document
    assert 'querySelectorAll(".gallery-block")' in document  # the filter script is inline


def test_the_sparc_page_has_a_gallery_and_no_grid_of_every_galaxy():
    page = page_for("sparc")
    assert page.gallery is not None and (REPO / f"workflow/report/{page.gallery.caption_file}.rst").exists()
    assert "rotation_curves_all" not in page.figures


def test_the_chaos_page_links_its_systems_to_their_gallery():
    page = page_for("chaos")
    assert page.gallery is not None and (REPO / f"workflow/report/{page.gallery.caption_file}.rst").exists()
    assert page.gallery.item_column in page.tables[0].columns


def test_metrics_summary_counts_failures_and_numbers_provenance(synthetic_results):
    metrics = read_metrics(synthetic_results / "supercon/metrics.parquet")
    table = metrics_summary(metrics)
    xgb = table[table["model"] == "xgboost"].iloc[0]
    assert (xgb["n"], xgb["n_failed"], xgb["n_undefined"]) == (3, 3, 0)  # the cuprate unit failed on every fold
    pearson = table[table["metric"] == "pearson_r2"].iloc[0]
    assert (pearson["n"], pearson["n_failed"], pearson["n_undefined"]) == (0, 0, 3)
    assert xgb["mean"] == pytest.approx(9.1) and xgb["sd"] == pytest.approx(0.1)
    assert set(table["provenance"]) == {"P1"}
    only_all = metrics_summary(metrics, {"unit": ["cuprate"]})
    assert only_all.loc[only_all["model"] == "xgboost", "n"].iloc[0] == 0


@pytest.mark.parametrize("targets, built, remote, expected", [
    ([], [], False, ["supercon", "sparc", "chaos"]),
    (["all"], ["supercon"], False, ["supercon", "sparc", "chaos"]),
    (["supercon", "report"], [], False, ["supercon"]),
    (["report"], ["chaos"], False, ["chaos"]),
    (["results/sparc/summary.json", "results/report/index.html"], ["supercon"], False, ["supercon", "sparc"]),
    (["report"], [], False, ["supercon", "sparc", "chaos"]),
    ([], ["sparc"], True, ["sparc"]),
])
def test_report_covers_requested_and_built_studies(targets, built, remote, expected):
    assert select_studies(["supercon", "sparc", "chaos"], targets, built, remote_job=remote) == expected


def test_study_names_are_matched_by_rule_and_path_not_by_substring():
    assert studies_named(["supercon_fit", "results/chaos/figures/x.png", "sparcle"], ["supercon", "sparc", "chaos"]) \
        == {"supercon", "chaos"}


def test_every_configured_study_has_its_own_page_and_unknown_studies_get_a_generic_one():
    for study in yaml.safe_load((REPO / "config.yaml").read_text())["studies"]:
        assert page_for(study).title != study and page_for(study).tables, study
    assert page_for("toy").title == "toy" and page_for("toy").tables == ()


def test_report_is_one_offline_file_with_a_page_per_study(synthetic_results):
    _aggregate(synthetic_results)
    out = synthetic_results / "report/index.html"
    captions = sorted((synthetic_results.parent / "workflow/report").glob("*.rst"))
    build_report(["supercon", "toy"], synthetic_results, out, metrics_path=synthetic_results / "metrics.parquet",
                 summary_path=synthetic_results / "summary.json", datasets=DATASETS, captions=captions)
    page = out.read_text()
    assert page.count('<section class="page"') == 3
    for section in ("overview", "supercon", "toy"):
        assert f'id="{section}"' in page
    assert 'href="#supercon"' in page and 'href="#toy"' in page
    assert page.count('<img src="data:image/png;base64,') == 4
    assert not re.search(r'(src|href)="(https?:)?//', page), "the report must not load anything from the network"
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "Predicted against observed <code>T_c</code> (K)." in page  # caption from workflow/report/*.rst
    assert "9.10 ± 0.10 K" in page  # leaderboard mean ± sd with unit
    assert "fit failed: singular matrix" in page  # the failed unit and its reason
    assert "cfg-supercon" in page and "abc123" in page  # provenance
    assert "matches" in page  # dataset checksum recorded in the metrics = declared one
    assert "7.5 s" in page  # 2.0 s + 5.5 s of benchmark files per study
    assert "<td>snakemake</td><td>9.27.1</td>" in page  # package versions


def test_a_figure_that_is_not_png_is_refused(tmp_path):
    bad = tmp_path / "figure.png"
    bad.write_bytes(b"GIF89a")
    with pytest.raises(ValueError, match="not a PNG"):
        html.figure(bad, "caption")


def test_highlights_pick_dotted_keys_by_pattern_in_pattern_order():
    from physbench.report.page import StudyPage
    from physbench.report.pages import highlights

    summary = {"n": 5, "settings": {"a": {"best_model": "nfw", "chi2": {"nfw": 1.5}}, "b": {"best_model": "iso"}},
               "rows": [{"x": 1}]}

    def keys(page):
        return [key for key, _ in highlights(summary, page)]

    assert keys(StudyPage("t", highlights=("settings.*.best_model", "n"))) == ["settings.a.best_model",
                                                                             "settings.b.best_model", "n"]
    assert keys(StudyPage("t")) == ["n"]
    assert keys(StudyPage("t", highlights=("settings.a.*", "settings.*.best_model"))) == [
        "settings.a.best_model", "settings.a.chi2.nfw", "settings.b.best_model"]


def test_templates_escape_every_value_once(tmp_path):
    blocks = html.TEMPLATES.get_template("blocks.html.j2").module
    frame = pd.DataFrame({"a<b": ["x & y", None, "z"], "n": [1.5, float("nan"), 2.0]})
    shown = blocks.table(html.table(frame, max_rows=2, row_classes=["flagged", "", ""]))
    assert "<th>a&lt;b</th>" in shown
    assert '<tr class="flagged"><td>x &amp; y</td><td class="num" data-sort="1.5">1.5</td></tr>' in shown
    assert '<tr><td></td><td class="num">—</td></tr>' in shown and "First 2 of 3 rows." in shown
    png = tmp_path / "a_b.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n")
    figure = blocks.figure(html.figure(png, "x < y, ``T&c``\n\n<i>next</i>", "a & b"))
    assert '<img src="data:image/png;base64,iVBORw0KGgo=" alt="a &amp; b">' in figure
    assert "<strong>a &amp; b.</strong> x &lt; y, <code>T&amp;c</code><br><br>&lt;i&gt;next&lt;/i&gt;" in figure
    page = html.page("A & B", shown)  # a rendered block is nested as it is
    assert "<title>A &amp; B</title>" in page and shown in page and "&amp;amp;" not in page


def test_a_template_variable_that_is_not_given_is_an_error():
    import jinja2

    with pytest.raises(jinja2.UndefinedError):
        html.render("study.html.j2", study="toy")


@pytest.mark.parametrize("study", sorted(FULL_RUN_SUMMARIES))
def test_each_study_states_its_headline_in_words_with_units_beside_a_published_value(study):
    summary, expected = FULL_RUN_SUMMARIES[study]
    page = page_for(study)
    assert page.headline_sentence(summary) == expected
    assert page.references and all(ref.label and ref.value and ref.citation for ref in page.references)


def _dotted_keys(obj, prefix=""):
    for key, value in obj.items():
        yield f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _dotted_keys(value, f"{prefix}{key}.")


def _without(summary, dotted):
    *parents, last = dotted.split(".")
    copy = json.loads(json.dumps(summary))
    node = copy
    for part in parents:
        node = node[part]
    del node[last]
    return copy


@pytest.mark.parametrize("study", sorted(FULL_RUN_SUMMARIES))
def test_a_headline_sentence_shows_what_is_there_when_keys_are_missing(study):
    """A quick run writes fewer models and keys: every sentence survives any one key missing, a null or
    NaN in place of any value, and an empty summary (which falls back to the highlights)."""
    summary, full = FULL_RUN_SUMMARIES[study]
    make = page_for(study).headline_sentence
    for key in _dotted_keys(summary):
        assert isinstance(make(_without(summary, key)), str), key
        for stand_in in (None, float("nan"), "text", [1, 2]):
            *parents, last = key.split(".")
            changed = json.loads(json.dumps(summary))
            node = changed
            for part in parents:
                node = node[part]
            node[last] = stand_in
            assert isinstance(make(changed), str), (key, stand_in)
    assert make({}) == ""
    assert make(_without(summary, next(iter(summary)))) != full


def test_overview_opens_with_a_card_per_study_next_to_the_published_value(synthetic_results):
    _aggregate(synthetic_results)
    out = synthetic_results / "report/index.html"
    build_report(["supercon", "toy"], synthetic_results, out, metrics_path=synthetic_results / "metrics.parquet",
                 summary_path=synthetic_results / "summary.json", datasets=DATASETS)
    overview = out.read_text().split('<section class="page" id="supercon">')[0]
    cards = overview.split("<h2>Findings</h2>")[1].split("<h2>What ran</h2>")[0]
    assert ('<p class="finding">XGBoost, Hamidieh features, 25 random 2/3-1/3 splits: RMSE 9.40 K, R² 0.925 '
            "(squared Pearson r 0.926)</p>") in cards
    assert ("Hamidieh 2018, XGBoost, Hamidieh features, 25 random 2/3-1/3 splits: RMSE 9.5 K (9.4 K in the "
            "caption of Fig. 9), R² 0.92 (squared Pearson r).") in cards
    assert "doi:10.1016/j.commatsci.2018.07.052" in cards
    # toy has no page module: its card shows its highlights (top-level numbers and names).
    toy = cards.split('<a href="#toy">toy</a>')[1]
    assert "<dt>best_model</dt><dd>xgboost</dd>" in toy and 'class="reference"' not in toy


def test_provenance_is_folded_at_the_end_of_the_overview_one_row_per_dataset(synthetic_results):
    from physbench.data.manifest import load_manifest

    _aggregate(synthetic_results)
    out = synthetic_results / "report/index.html"
    build_report(["supercon", "toy"], synthetic_results, out, metrics_path=synthetic_results / "metrics.parquet",
                 summary_path=synthetic_results / "summary.json", datasets=DATASETS)
    overview = out.read_text().split('<section class="page" id="overview">')[1].split("</section>")[0]
    shown, folded = overview.split('<details class="provenance">')
    assert folded.rstrip().endswith("</details>")  # the last thing on the overview
    assert "<summary><h2>Provenance</h2> 1 dataset, 2 configuration hashes, code and package versions</summary>" \
        in folded
    manifest = load_manifest("supercon", DATASETS["supercon"])
    sha = DATASETS["supercon"]["manifest_sha256"]
    assert (f'<tr><td title="{manifest.path}">supercon</td><td class="num" data-sort="2.0">2</td>'
            f'<td title="{sha}">{sha[:12]}…</td>'
            '<td title="https://example.org/data.zip">example.org (1); vendored snapshot (1)</td>'
            f'<td title="{manifest.checksum}">{manifest.checksum[:12]}…</td><td>matches</td></tr>') in folded
    # The configuration hashes: a count in the code list, the hashes themselves once, folded.
    assert "<dt>config hashes in the metrics</dt><dd>2 (listed below)</dd>" in folded
    assert '<p class="mono">cfg-supercon, cfg-toy</p>' in folded
    assert "cfg-" not in shown and "<h2>Package versions</h2>" not in shown and "<h3>Package versions</h3>" in folded
    assert shown.index("<h2>Findings</h2>") < shown.index("<h2>What ran</h2>") < shown.index("<h2>Time per study</h2>")


def test_failed_counts_real_failures_and_undefined_values_are_listed_apart_with_their_reason(synthetic_results):
    summary = _aggregate(synthetic_results)
    out = synthetic_results / "report/index.html"
    build_report(["supercon", "toy"], synthetic_results, out, metrics_path=synthetic_results / "metrics.parquet",
                 summary_path=synthetic_results / "summary.json", datasets=DATASETS)
    page = out.read_text()
    overview = page.split('<section class="page" id="overview">')[1].split("</section>")[0]
    ran = overview.split("<h2>What ran</h2>")[1].split("</table>")[0]
    headers = re.findall(r"<th>(.*?)</th>", ran)
    supercon = re.findall(r"<td[^>]*>(.*?)</td>", ran.split("<tbody>")[1].split("</tr>")[0])
    row = dict(zip(headers, supercon))
    assert (row["failed values"], row["failed units"], row["undefined values"]) == ("3", "1", "3")
    study = page.split('<section class="page" id="supercon">')[1].split("</section>")[0]
    failed = study.split("<h2>Failed units</h2>")[1].split("<h2>")[0]
    undefined = study.split("<h2>Undefined values</h2>")[1].split("<h2>")[0]
    assert "fit failed: singular matrix" in failed and "undefined:" not in failed
    assert ("<td>hamidieh</td><td>ridge</td><td>undefined: correlation of a constant prediction</td><td>all</td>"
            in undefined) and "fit failed" not in undefined
    toy = page.split('<section class="page" id="toy">')[1].split("</section>")[0]
    assert "<h2>Undefined values</h2>\n<p class=\"note\">None.</p>" in toy
    # A summary.json written before undefined values were told apart: the overview counts from the metrics.
    old = json.loads((synthetic_results / "summary.json").read_text())
    for entry in old.values():
        entry["counts"] = {k: v for k, v in entry["counts"].items() if k != "n_undefined_values"}
        entry["counts"]["n_failed_values"] = 99
    (synthetic_results / "summary.json").write_text(json.dumps(old))
    build_report(["supercon", "toy"], synthetic_results, out, metrics_path=synthetic_results / "metrics.parquet",
                 summary_path=synthetic_results / "summary.json", datasets=DATASETS)
    assert out.read_text().split("<h2>What ran</h2>")[1].split("</table>")[0] == ran
    assert summary["supercon"]["counts"]["n_undefined_values"] == 3


def test_a_gallery_item_with_an_unsafe_name_gets_a_safe_file_name(tmp_path):
    from physbench.plotting import plt, save_gallery

    figures = [(name, plt.subplots(figsize=(1, 1))[0]) for name in ("Lorenz", "a/b c", "../up")]
    save_gallery(iter(figures), tmp_path / "g", tmp_path / "g.tsv", "system", dpi=20)
    manifest = pd.read_csv(tmp_path / "g.tsv", sep="\t")
    assert list(manifest["system"]) == ["Lorenz", "a/b c", "../up"]
    assert list(manifest["file"]) == ["Lorenz.png", "a_b_c.png", "_up.png"]
    assert sorted(p.name for p in (tmp_path / "g").iterdir()) == ["Lorenz.png", "_up.png", "a_b_c.png"]
    # The report names and anchors the items by the manifest's names, not by their file names.
    from physbench.report.pages import gallery_items

    items = gallery_items("chaos", tmp_path / "g")
    assert [(item.name, item.id) for item in items] == [("../up", "chaos----up"), ("a/b c", "chaos-a-b-c"),
                                                        ("Lorenz", "chaos-Lorenz")]
    assert all(item.src.startswith("data:image/png;base64,") for item in items)
