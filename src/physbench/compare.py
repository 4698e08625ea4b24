"""Compare the metrics of two versions of the results: two git revisions, or two result directories.

Metrics are joined on the key columns of :data:`physbench.metrics.KEY_COLUMNS`. A study's units are
either replicates (SPARC's galaxies, the chaotic systems: compare pairs over them) or
sub-populations (SuperCon's ``all`` and materials families: each one is compared on its own); the
study declares which in its report page (:attr:`physbench.report.page.StudyPage.units_are_replicates`).
Per (study, dataset, setting, population, model, split, metric) the comparison pairs the values of
the replicates (units and folds) present on both sides, reports both means and their difference
(B − A, in the metric's unit) and a Wilcoxon signed-rank test of the paired differences. It flags a
group when ``|mean B − mean A| > threshold · |mean A| + abs_tol``, or when a replicate's value
became missing or came back; that is the whole rule. A missing value is counted as failed, or as
undefined when its note says it is undefined by construction (:func:`physbench.metrics.undefined_values`,
e.g. a reduced χ² without degrees of freedom). Keys present on one side only are listed separately.
"""

from __future__ import annotations

import fnmatch
import hashlib
import io
import logging
import math
import os
import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from scipy.stats import wilcoxon

from physbench.io import write_bytes, write_parquet
from physbench.metrics import KEY_COLUMNS, MetricsSchemaError, undefined_values, validate_metrics
from physbench.report import html

log = logging.getLogger(__name__)

# "population": the unit in studies whose units are sub-populations, ALL_REPLICATES where they are replicates.
GROUP_COLUMNS = ["study", "dataset", "setting", "population", "model", "split", "metric"]
ALL_REPLICATES = "all"
BASELINE_METRICS = "baseline/metrics.parquet"  # the full run's metrics, tracked by git
DEFAULT_IGNORE = ("*_seconds",)  # timings differ between any two runs
TABLE_COLUMNS = (*GROUP_COLUMNS, "metric_unit", "status", "flagged", "mean_a", "mean_b", "diff", "rel_diff",
                 "max_abs_diff", "n_pairs", "n_changed", "n_failed_a", "n_failed_b", "n_undefined_a", "n_undefined_b",
                 "n_failure_changes", "n_only_a", "n_only_b", "wilcoxon_statistic", "p_value", "significant")


class CompareError(ValueError):
    """A version to compare cannot be read; the message names it and the fix."""


@dataclass(frozen=True)
class Version:
    """Metrics of one side of a comparison and where they came from."""

    label: str
    metrics: pd.DataFrame
    files: tuple[str, ...]
    id: str  # names the comparison's folder: a revision's commit id; a directory's name, recorded commit and digest


def read_directory(path: str | os.PathLike, studies: Sequence[str] | None = None) -> Version:
    """Metrics of a run directory (holding ``results/``), a results directory or one metrics Parquet.

    Reads every study's ``<results>/<study>/metrics.parquet``; only when there is none, the
    aggregated ``<results>/metrics.parquet``.
    """
    path = Path(path)
    if path.is_file():
        files = [path]
    else:
        results = path / "results" if (path / "results").is_dir() else path
        files = sorted(results.glob("*/metrics.parquet")) or sorted(results.glob("metrics.parquet"))
        files = [f for f in files if studies is None or f.parent.name in studies or f.parent == results]
    if not files:
        raise CompareError(f"{path}: no metrics found (looked for results/<study>/metrics.parquet and "
                           "results/metrics.parquet); pass a run directory, its results/ directory or a metrics file")
    metrics = _select(_concat([_read_file(f) for f in files]), studies)
    digest = hashlib.sha256(pd.util.hash_pandas_object(metrics[[*KEY_COLUMNS, "value"]], index=False).to_numpy()
                            ).hexdigest()[:8]
    return Version(str(path), metrics, tuple(map(str, files)),
                   f"{slug(path.resolve().name)}@{_recorded_commit(metrics)}-{digest}")


def _recorded_commit(metrics: pd.DataFrame) -> str:
    """The commit the metrics' provenance records, with its ``-dirty`` marker; ``mixed`` when jobs ran at
    several commits, ``nogit`` when outside git, ``empty`` without rows."""
    revisions = set(metrics["git_revision"].fillna("nogit"))
    if len(revisions) != 1:
        return "mixed" if revisions else "empty"
    commit, dirty, _ = revisions.pop().partition("-dirty")
    return commit[:12] + dirty


def _read_file(path: Path) -> pd.DataFrame:
    """One metrics file, or a :class:`CompareError` naming it (not Parquet, truncated, wrong schema)."""
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as err:
        raise CompareError(f"{path}: not a readable Parquet file ({err}); it may be truncated or not a metrics "
                           "file: rebuild it with snakemake, or restore it with `dvc checkout`") from None
    return _validated(table.to_pandas(), str(path))


def read_revision(rev: str, repo: str | os.PathLike = ".", studies: Sequence[str] | None = None) -> Version:
    """Metrics committed at git revision ``rev`` of ``repo``: each study's ``results/<study>/metrics.parquet``
    through DVC, or, when DVC's objects are not in the cache (a clone without a remote), the git-tracked
    copy of the full run's metrics, ``baseline/metrics.parquet``."""
    from dvc.api import DVCFileSystem

    commit = resolve_commit(rev, repo)
    try:
        fs = DVCFileSystem(os.fspath(repo), rev=commit)
        has_baseline = fs.exists(BASELINE_METRICS)
    except Exception as err:  # dvc/scmrepo raise many types for a broken repository
        raise CompareError(f"cannot read revision {rev!r} of {repo}: {err}") from err
    try:
        files = sorted(fs.glob("results/*/metrics.parquet")) or sorted(fs.glob("results/metrics.parquet"))
        files = [f for f in files if studies is None or f.split("/")[-2] in studies or f == "results/metrics.parquet"]
        contents = [(file, fs.read_bytes(file)) for file in files]
    except Exception as err:  # a missing DVC object fails the listing (directories) or the read (files)
        if not has_baseline:
            raise CompareError(f"revision {rev!r}: cannot read its results ({err}); their DVC objects may be "
                               f"missing from the cache: run `dvc fetch --rev {rev}` or `dvc pull` (a clone needs a "
                               "DVC remote for that, see the README)") from err
        log.warning("revision %s: the DVC objects of its results are not in the cache (%s); reading the git-tracked "
                    "%s", rev, err, BASELINE_METRICS)
        contents = []
    if not contents:
        if not has_baseline:
            raise CompareError(f"revision {rev!r} of {repo} has no results/<study>/metrics.parquet and no "
                               f"{BASELINE_METRICS}; commit dvc.lock (or the results) at that revision, or compare "
                               "result directories instead")
        contents = [(BASELINE_METRICS, fs.read_bytes(BASELINE_METRICS))]
    frames = []
    for file, content in contents:
        try:
            frame = pd.read_parquet(io.BytesIO(content))  # git-tracked files are not seekable
        except Exception as err:
            raise CompareError(f"revision {rev!r}: {file} is not a readable Parquet file ({err})") from err
        frames.append(_validated(frame, f"{rev}:{file}"))
    return Version(rev, _select(_concat(frames), studies), tuple(file for file, _ in contents), commit[:12])


def resolve_commit(rev: str, repo: str | os.PathLike = ".") -> str:
    """The full commit id of git revision ``rev`` in ``repo``, or a :class:`CompareError` saying how to fix it."""
    result = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd=repo,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise CompareError(f"{rev!r} is neither an existing directory or file nor a revision of the git repository "
                           f"{repo}. Check the name with `git rev-parse {rev}`; in a shallow clone fetch the history "
                           "first (`git fetch --unshallow --tags`)")
    return result.stdout.strip()


def read_version(spec: str, repo: str | os.PathLike = ".", studies: Sequence[str] | None = None) -> Version:
    """A directory or file when ``spec`` names an existing path, otherwise a git revision of ``repo``."""
    return read_directory(spec, studies) if Path(spec).exists() else read_revision(spec, repo, studies)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return _validated(pd.concat(frames, ignore_index=True), "metrics to compare")


def _validated(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    try:
        return validate_metrics(frame, source=source)
    except MetricsSchemaError as err:
        raise CompareError(f"{err}; it does not follow the metrics schema (physbench.metrics)") from None


def _select(frame: pd.DataFrame, studies: Sequence[str] | None) -> pd.DataFrame:
    return frame if studies is None else frame[frame["study"].isin(list(studies))].reset_index(drop=True)


def compare_metrics(a: pd.DataFrame, b: pd.DataFrame, *, threshold: float = 0.01, abs_tol: float = 1e-9,
                    alpha: float = 0.05, ignore: Iterable[str] = DEFAULT_IGNORE,
                    population_studies: Iterable[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compare two metrics tables; return (per-group table, keys present on one side only).

    ``population_studies`` are the studies whose units are sub-populations (default: those whose
    report page says so, :func:`sub_population_studies`); their ``unit`` is the group's ``population``.
    In the other studies units are replicates: paired over, with ``population`` :data:`ALL_REPLICATES`.
    The per-group table has ``mean_a``, ``mean_b``, ``diff`` (mean of paired B − A), ``rel_diff``
    (diff / |mean_a|), ``max_abs_diff``, ``n_pairs`` (finite on both sides), ``n_changed`` (pairs
    beyond the tolerance: shown, not flagged), ``n_failed_a``/``n_failed_b`` (missing values),
    ``n_undefined_a``/``n_undefined_b`` (missing values undefined by construction, not failures),
    ``n_failure_changes`` (paired units missing on exactly one side), ``n_only_a``/``n_only_b``, the
    Wilcoxon statistic and p-value, and
    ``status``: changed, unchanged, ignored (metric names matching ``ignore``), only in A, only in B.
    """
    ignore = tuple(ignore)
    keys = list(KEY_COLUMNS)
    a, b = (side[keys + ["value", "metric_unit"]].assign(undefined=undefined_values(side)) for side in (a, b))
    merged = a.merge(b, on=keys, how="outer", suffixes=("_a", "_b"), indicator=True)
    one_sided = merged[merged["_merge"] != "both"].copy()
    one_sided["side"] = one_sided["_merge"].map({"left_only": "A", "right_only": "B"}).astype(str)
    one_sided["value"] = one_sided["value_a"].where(one_sided["side"] == "A", one_sided["value_b"])
    one_sided = one_sided[["side", *keys, "value"]].sort_values(["side", *keys]).reset_index(drop=True)
    merged["metric_unit"] = merged["metric_unit_a"].fillna(merged["metric_unit_b"])
    if population_studies is None:
        population_studies = sub_population_studies(merged["study"].unique())
    merged["population"] = merged["unit"].where(merged["study"].isin(list(population_studies)), ALL_REPLICATES)
    rows = [_group_row(group_key, group, threshold, abs_tol, alpha, ignore)
            for group_key, group in merged.groupby(GROUP_COLUMNS, sort=True)]
    table = pd.DataFrame(rows, columns=list(TABLE_COLUMNS)).astype({"flagged": bool, "significant": bool})
    return table, one_sided


def _group_row(group_key, group: pd.DataFrame, threshold, abs_tol, alpha, ignore) -> dict:
    both = group[group["_merge"] == "both"]
    va, vb = both["value_a"].to_numpy(float), both["value_b"].to_numpy(float)
    finite = np.isfinite(va) & np.isfinite(vb)
    failure_changes = int((np.isfinite(va) != np.isfinite(vb)).sum())
    undefined_a, undefined_b = (both[column].to_numpy(bool) for column in ("undefined_a", "undefined_b"))
    d = vb[finite] - va[finite]
    mean_a = float(va[finite].mean()) if finite.any() else math.nan
    mean_b = float(vb[finite].mean()) if finite.any() else math.nan
    diff = float(d.mean()) if d.size else math.nan
    tolerance = threshold * abs(mean_a) + abs_tol if finite.any() else abs_tol
    n_changed = int((np.abs(d) > threshold * np.abs(va[finite]) + abs_tol).sum())
    stat, p_value = _wilcoxon(d)
    row = dict(zip(GROUP_COLUMNS, group_key))
    metric = row["metric"]
    if both.empty:
        status = "only in A" if (group["_merge"] == "left_only").all() else "only in B"
    elif any(fnmatch.fnmatchcase(metric, pattern) for pattern in ignore):
        status = "ignored"
    elif (d.size and abs(diff) > tolerance) or failure_changes:
        status = "changed"
    else:
        status = "unchanged"
    row.update({
        "metric_unit": group["metric_unit"].iloc[0], "status": status, "flagged": status == "changed",
        "mean_a": mean_a, "mean_b": mean_b, "diff": diff,
        "rel_diff": diff / abs(mean_a) if d.size and mean_a != 0 else math.nan,
        "max_abs_diff": float(np.abs(d).max()) if d.size else math.nan,
        "n_pairs": int(finite.sum()), "n_changed": n_changed,
        "n_failed_a": int((~np.isfinite(va) & ~undefined_a).sum()),
        "n_failed_b": int((~np.isfinite(vb) & ~undefined_b).sum()),
        "n_undefined_a": int(undefined_a.sum()), "n_undefined_b": int(undefined_b.sum()),
        "n_failure_changes": failure_changes,
        "n_only_a": int((group["_merge"] == "left_only").sum()),
        "n_only_b": int((group["_merge"] == "right_only").sum()),
        "wilcoxon_statistic": stat, "p_value": p_value, "significant": bool(p_value < alpha),
    })
    return row


def sub_population_studies(studies: Iterable[str]) -> list[str]:
    """The studies whose report page declares their units sub-populations, not replicates."""
    from physbench.report.page import page_for

    return [study for study in studies if not page_for(study).units_are_replicates]


def _wilcoxon(d: np.ndarray) -> tuple[float, float]:
    """Two-sided Wilcoxon signed-rank test of paired differences (zeros dropped); (0, 1) when all are zero."""
    nonzero = d[d != 0]
    if nonzero.size == 0:
        return 0.0, 1.0
    result = wilcoxon(nonzero)
    return float(result.statistic), float(result.pvalue)


def slug(label: str) -> str:
    """A file-name-safe form of a version label (``HEAD~1`` stays, ``a/b`` becomes ``a_b``)."""
    return re.sub(r"[^A-Za-z0-9._~^-]+", "_", label.rstrip("/")).strip("_") or "version"


def run_compare(a: str, b: str, *, repo: str | os.PathLike = ".", out_dir: str | os.PathLike | None = None,
                studies: Sequence[str] | None = None, threshold: float = 0.01, abs_tol: float = 1e-9,
                alpha: float = 0.05, ignore: Iterable[str] = DEFAULT_IGNORE) -> dict:
    """Read both versions, compare them, write ``comparison.parquet``, ``one_sided.parquet`` and
    ``index.html`` under ``out_dir``; return a result dict.

    The default ``out_dir``, ``results/compare/<A>..<B>``, names each side by its :attr:`Version.id`
    (a revision by its commit id; a directory by its name, the commit its metrics record, with
    ``-dirty`` when the tree had changes, and a digest of its values), so that comparing other
    versions never overwrites it."""
    version_a, version_b = read_version(a, repo, studies), read_version(b, repo, studies)
    table, one_sided = compare_metrics(version_a.metrics, version_b.metrics, threshold=threshold, abs_tol=abs_tol,
                                       alpha=alpha, ignore=ignore)
    out_dir = Path(out_dir) if out_dir is not None else Path("results/compare") / f"{version_a.id}..{version_b.id}"
    paths = {"table": out_dir / "comparison.parquet", "one_sided": out_dir / "one_sided.parquet",
             "html": out_dir / "index.html"}
    write_parquet(paths["table"], table)
    write_parquet(paths["one_sided"], one_sided)
    settings = {"threshold": threshold, "abs_tol": abs_tol, "alpha": alpha, "ignore": list(ignore)}
    write_bytes(paths["html"], comparison_page(version_a, version_b, table, one_sided, settings).encode())
    result = {"a": version_a, "b": version_b, "table": table, "one_sided": one_sided, "paths": paths,
              "settings": settings}
    log.info("\n%s", terminal_summary(result))
    return result


def _name(row) -> str:
    population = "" if row["population"] == ALL_REPLICATES else f" [{row['population']}]"
    return f"{row['study']}/{row['setting']}/{row['model']}/{row['split']} {row['metric']}{population}"


def flag_rule(settings: dict) -> str:
    """The rule that flags a group, as :func:`compare_metrics` applies it."""
    return (f"|mean B − mean A| > {settings['threshold']:g} · |mean A| + {settings['abs_tol']:g}, "
            "or a replicate missing (failed or undefined) on one side only")


def terminal_summary(result: dict, limit: int = 40) -> str:
    """A few lines for the terminal: counts, every flagged change, where the outputs are."""
    a, b, table, one_sided, s = result["a"], result["b"], result["table"], result["one_sided"], result["settings"]
    flagged = table[table["flagged"]].copy()
    flagged["order"] = flagged["rel_diff"].abs().fillna(np.inf)
    flagged = flagged.sort_values("order", ascending=False)
    status = table["status"].value_counts()
    lines = [
        f"physbench compare  A = {a.label} ({len(a.metrics)} metric rows)  B = {b.label} ({len(b.metrics)} rows)",
        f"  {len(table)} (study, dataset, setting, population, model, split, metric) groups: "
        f"{status.get('changed', 0)} changed ({flag_rule(s)}), {status.get('unchanged', 0)} unchanged, "
        f"{status.get('ignored', 0)} ignored ({', '.join(s['ignore']) or 'none'}), "
        f"{status.get('only in A', 0)} only in A, {status.get('only in B', 0)} only in B",
        f"  unit rows on one side only: {int((one_sided['side'] == 'A').sum())} in A, "
        f"{int((one_sided['side'] == 'B').sum())} in B",
    ]
    for _, row in flagged.head(limit).iterrows():
        unit = "" if row["metric_unit"] in ("1", "count") else f" {row['metric_unit']}"
        rel = "" if html.is_missing(row["rel_diff"]) else f" ({row['rel_diff']:+.2%})"
        failures = f", {row['n_failure_changes']} unit(s) missing on one side" if row["n_failure_changes"] else ""
        lines.append(f"  CHANGED {_name(row)}: A {html.format_number(row['mean_a'])} -> B "
                     f"{html.format_number(row['mean_b'])}{unit}, diff {row['diff']:+.4g}{unit}{rel}, "
                     f"{row['n_changed']}/{row['n_pairs']} replicates moved, "
                     f"Wilcoxon p = {row['p_value']:.3g}{failures}")
    if len(flagged) > limit:
        lines.append(f"  ... and {len(flagged) - limit} more (see the Parquet table)")
    lines.append("  wrote " + ", ".join(str(p) for p in result["paths"].values()))
    return "\n".join(lines)


def comparison_page(a: Version, b: Version, table: pd.DataFrame, one_sided: pd.DataFrame, settings: dict) -> str:
    """The comparison as an HTML page in the report's style."""
    counts = table["status"].value_counts()
    shown_columns = [*GROUP_COLUMNS, "metric_unit", "status", "mean_a", "mean_b", "diff", "rel_diff",
                     "max_abs_diff", "n_pairs", "n_changed", "n_failed_a", "n_failed_b", "n_undefined_a",
                     "n_undefined_b", "n_failure_changes", "n_only_a", "n_only_b", "p_value"]
    summary = html.key_values([
        ("A", a.label), ("B", b.label), ("metric rows in A", len(a.metrics)), ("metric rows in B", len(b.metrics)),
        ("flagged when", flag_rule(settings)),
        ("ignored metrics", ", ".join(settings["ignore"]) or "none"),
        ("groups", ", ".join(f"{k}: {v}" for k, v in counts.items())),
    ])
    body = html.render(
        "comparison.html.j2", summary=summary, changed=html.table(table.loc[table["flagged"], shown_columns]),
        one_sided=html.table(one_sided, max_rows=500),
        groups=html.table(table[shown_columns], max_rows=2000,
                          row_classes=["flagged" if f else "" for f in table["flagged"]]),
        files_a=a.files, files_b=b.files)
    return html.page(f"Comparison {a.label} → {b.label}", body)
