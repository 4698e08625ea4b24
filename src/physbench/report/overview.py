"""The overview page: what ran, on which data, with which code and packages, and how long it took
(its data; the markup is templates/overview.html.j2)."""

from __future__ import annotations

import platform
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
from markupsafe import Markup

import physbench
from physbench.data.manifest import load_manifest, upstream_source
from physbench.metrics import metric_counts
from physbench.provenance import git_revision
from physbench.report import html
from physbench.report.pages import HeadlineCard

PACKAGES = ("physbench", "snakemake", "snakemake-executor-plugin-slurm", "dvc", "pandas", "pyarrow", "numpy",
            "scipy", "scikit-learn", "xgboost", "dysts", "matplotlib", "jsonschema")


def package_versions(names: Sequence[str] = PACKAGES) -> dict[str, str]:
    """Installed version of each distribution (``not installed`` when absent), plus Python's."""
    versions = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def benchmark_table(benchmarks_dir: Path, groups: Sequence[str]) -> pd.DataFrame:
    """Per group (a study, or ``data``): jobs, summed wall-clock and CPU time (s), peak RSS (MB), slowest job.

    Reads Snakemake's ``benchmark:`` files ``<benchmarks_dir>/<group>/**/*.tsv`` (columns ``s``,
    ``cpu_time``, ``max_rss``); a file with several rows (``repeat()``) counts its mean.
    """
    rows = []
    for group in groups:
        files = sorted((benchmarks_dir / group).rglob("*.tsv"))
        records = []
        for file in files:
            frame = pd.read_csv(file, sep="\t")
            if frame.empty or "s" not in frame:
                continue
            records.append({"job": str(file.relative_to(benchmarks_dir / group).with_suffix("")),
                            "s": float(frame["s"].mean()),
                            "cpu_time": float(pd.to_numeric(frame.get("cpu_time"), errors="coerce").mean()),
                            "max_rss": float(pd.to_numeric(frame.get("max_rss"), errors="coerce").max())})
        if not records:
            rows.append({"group": group, "jobs": 0, "wall_seconds": float("nan"), "cpu_seconds": float("nan"),
                         "peak_rss_mb": float("nan"), "slowest_job": "", "slowest_seconds": float("nan")})
            continue
        jobs = pd.DataFrame(records)
        slowest = jobs.loc[jobs["s"].idxmax()]
        rows.append({"group": group, "jobs": len(jobs), "wall_seconds": jobs["s"].sum(),
                     "cpu_seconds": jobs["cpu_time"].sum(min_count=1), "peak_rss_mb": jobs["max_rss"].max(),
                     "slowest_job": slowest["job"], "slowest_seconds": slowest["s"]})
    return pd.DataFrame(rows)


def dataset_table(datasets: Mapping[str, dict], recorded: Mapping[str, set[str]]) -> pd.DataFrame:
    """One row per dataset: its name (the manifest's path on hover), number of files, the manifest's
    sha256, where its files come from (upstream hosts with their number of files, ``vendored snapshot``
    for files without an upstream URL; the URLs on hover), the dataset checksum, and whether that
    checksum is the one (or ones) the metrics recorded. Checksums show their start, the whole on hover."""
    rows = []
    for name, spec in sorted(datasets.items()):
        manifest = load_manifest(name, spec)
        seen = recorded.get(name, set())
        status = ("matches" if seen == {manifest.checksum} else "not used" if not seen
                  else "DIFFERS: " + ", ".join(sorted(seen)))
        urls = [upstream_source(file, spec.get("upstream", {})) for file in manifest.files]
        hosts = Counter(urlsplit(url[0]).netloc if url else "vendored snapshot" for url in urls)
        source = "; ".join(f"{host} ({count})" for host, count in sorted(hosts.items()))
        full_urls = "\n".join(sorted({url[0] for url in urls if url}))
        rows.append({"dataset": html.Cell(name, numeric=False, title=str(manifest.path)),
                     "files": len(manifest.files), "manifest sha256": html.short_checksum(manifest.sha256),
                     "source (files)": html.Cell(source, numeric=False, title=full_urls or None),
                     "dataset sha256": html.short_checksum(manifest.checksum), "in metrics": status})
    return pd.DataFrame(rows, columns=["dataset", "files", "manifest sha256", "source (files)", "dataset sha256",
                                       "in metrics"])


def overview_page(studies: Sequence[str], titles: Mapping[str, str], metrics: pd.DataFrame, summary: dict,
                  datasets: Mapping[str, dict], benchmarks_dir: Path,
                  cards: Sequence[HeadlineCard]) -> Markup:
    """The body of the overview page, opening with each study's headline card."""
    timing = benchmark_table(benchmarks_dir, [*studies, "data"]).set_index("group")
    ran = []
    for study in studies:
        part = metrics[metrics["study"] == study]
        counts = summary.get(study, {}).get("counts", {})
        if "n_undefined_values" not in counts:  # a summary.json that counted every NaN as failed
            counts = metric_counts(part)
        ran.append({
            "study": html.Cell(titles[study], sort=study, numeric=False, href=f"#{study}"),
            "models": part["model"].nunique(), "settings": part["setting"].nunique(), "units": part["unit"].nunique(),
            "metric rows": len(part), "failed values": counts["n_failed_values"],
            "failed units": counts["n_failed_units"], "undefined values": counts["n_undefined_values"],
            "jobs": timing.loc[study, "jobs"] if study in timing.index else 0,
            "time": html.Cell(_duration(timing.loc[study, "wall_seconds"]) if study in timing.index else "—",
                              sort=timing.loc[study, "wall_seconds"] if study in timing.index else None),
        })
    recorded = {name: set(group["data_sha256"]) for name, group in metrics.groupby("dataset")}
    revisions = sorted(set(metrics["git_revision"].fillna("(not in git)")))
    config_hashes = sorted(set(metrics["config_hash"]))
    versions = package_versions()
    code = [
        ("git revision of this report", git_revision() or "(not in a git repository)"),
        ("git revisions in the metrics", ", ".join(revisions)),
        ("physbench version", physbench.__version__),
        ("config hashes in the metrics", f"{len(config_hashes)} (listed below)"),
        ("python", sys.version.split()[0] + " on " + platform.platform()),
    ]
    return html.render(
        "overview.html.j2", cards=list(cards), ran=html.table(pd.DataFrame(ran)), code=html.key_values(code),
        datasets=html.table(dataset_table(datasets, recorded)), n_datasets=len(datasets),
        config_hashes=config_hashes,
        timing=html.table(timing.reset_index().rename(columns={"group": "study"})),
        versions=html.table(pd.DataFrame(sorted(versions.items()), columns=["package", "version"]), sortable=False))


def _duration(seconds) -> str:
    if html.is_missing(seconds):
        return "—"
    seconds = float(seconds)
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.2f} h"
