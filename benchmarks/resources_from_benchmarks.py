"""Size the SLURM profile's per-rule resources from Snakemake benchmark files.

    python benchmarks/resources_from_benchmarks.py                  # print the block from results/benchmarks
    python benchmarks/resources_from_benchmarks.py RUN_DIR/results/benchmarks ...   # several runs
    python benchmarks/resources_from_benchmarks.py --write workflow/profiles/slurm/profile.yaml

Every rule has ``benchmark: results/benchmarks/<study>/...tsv``. This script maps each benchmark file
back to its rule (by matching the benchmark patterns in ``workflow/rules/*.smk``), takes the worst
job of each rule (largest ``max_rss`` in MB, longest wall time ``s``, highest ``cpu_time / s``), and
prints a ``set-resources`` block for the profile:

- ``mem_mb``: ``max_rss * 1.5 + 256``, rounded up to 100 MB, at least 500; times ``attempt``;
- ``runtime`` (minutes): ``2 * s``, rounded up to a minute, at least 30; doubled per attempt;
- threads stay those the rules declare (``threads:``, per job where a function sizes them): the
  measured parallelism ``cpu_time / s`` is printed next to each rule to check them against; on a
  busy machine it reads low, so it is not applied automatically.

With ``--write`` the block between the ``# BEGIN sized`` and ``# END sized`` lines of the profile
is replaced. Size from a run of the configuration you will run on the cluster: the quick
configuration's jobs are far smaller than the full one's.
"""

from __future__ import annotations

import argparse
import math
import re
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
BEGIN, END = "# BEGIN sized", "# END sized"
RULE_HEADER = re.compile(r"^\s*rule(?:\s+(\w+))?\s*:")
NAME_LINE = re.compile(r'^\s*f?"([^"]+)"')
# The benchmark path, written "results/benchmarks/..." or results_path("benchmarks/..."), on the line
# after "benchmark:" or the one after that (snakefmt breaks long calls).
BENCHMARK_PATH = re.compile(r'f?"(?:results/)?benchmarks/([^"]+)"')


def rule_patterns(rule_files) -> list[dict]:
    """(rule name template, benchmark regex) for every rule with a benchmark."""
    rules, current = [], None
    for path in rule_files:
        lines = Path(path).read_text().splitlines()
        for i, line in enumerate(lines):
            header = RULE_HEADER.match(line)
            if header:
                current = {"name": header.group(1), "benchmark": None}
                rules.append(current)
            elif current is None:
                continue
            elif line.strip() == "name:" and current["name"] is None:
                current["name"] = NAME_LINE.match(lines[i + 1]).group(1)
            elif line.strip() == "benchmark:":
                current["benchmark"] = next(match.group(1) for match in map(BENCHMARK_PATH.search, lines[i + 1:i + 3])
                                            if match)
    patterns = []
    for rule in rules:
        if rule["benchmark"] is None:
            continue
        regex = re.escape(rule["benchmark"])
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", regex)
        patterns.append({**rule, "regex": re.compile(f"^{regex}$")})
    return patterns


def measured(benchmark_dirs, patterns) -> pd.DataFrame:
    """One row per benchmark file: rule, wall seconds, max RSS (MB), CPU parallelism."""
    rows = []
    for directory in benchmark_dirs:
        directory = Path(directory)
        for tsv in sorted(directory.rglob("*.tsv")):
            relative = tsv.relative_to(directory).as_posix()
            for pattern in patterns:
                match = pattern["regex"].match(relative)
                if match:
                    name = pattern["name"].replace("{", "{{").replace("}", "}}")
                    name = re.sub(r"\{\{(\w+)\}\}", r"{\1}", name).format(**match.groupdict())
                    table = pd.read_csv(tsv, sep="\t")
                    for _, row in table.iterrows():
                        seconds = float(row["s"])
                        cpu = float(row["cpu_time"]) / seconds if seconds > 0 else 1.0
                        rows.append({"rule": name, "file": relative, "s": seconds,
                                     "max_rss_mb": float(row["max_rss"]), "parallelism": cpu})
                    break
    return pd.DataFrame(rows, columns=["rule", "file", "s", "max_rss_mb", "parallelism"])


def sized_block(frame: pd.DataFrame) -> str:
    lines = [BEGIN + " by benchmarks/resources_from_benchmarks.py: worst job per rule; rerun it to resize", ]
    worst = frame.groupby("rule").agg(s=("s", "max"), max_rss_mb=("max_rss_mb", "max"), jobs=("s", "size"),
                                      parallelism=("parallelism", "max"))
    lines.append("set-resources:")
    for rule, row in worst.sort_index().iterrows():
        mem = max(500, math.ceil((row.max_rss_mb * 1.5 + 256) / 100) * 100)
        runtime = max(30, math.ceil(2 * row.s / 60))
        lines.append(f'  {rule}: {{mem_mb: "{mem} * attempt", runtime: "{runtime} * 2 ** (attempt - 1)"}}'
                     f"  # {int(row.jobs)} jobs, max {row.s:.0f} s, {row.max_rss_mb:.0f} MB, "
                     f"{row.parallelism:.1f} CPUs")
    lines.append(END)
    return "\n".join(lines) + "\n"


def replace_block(profile: Path, block: str) -> None:
    text = profile.read_text()
    start, stop = text.index(BEGIN), text.index(END)
    stop = text.index("\n", stop) + 1
    profile.write_text(text[:start] + block + text[stop:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("benchmarks", nargs="*", default=[REPO / "results/benchmarks"], help="benchmark folders")
    parser.add_argument("--write", type=Path, help="profile.yaml whose sized block to replace")
    args = parser.parse_args()
    patterns = rule_patterns(sorted((REPO / "workflow/rules").glob("*.smk")))
    frame = measured(args.benchmarks, patterns)
    if frame.empty:
        raise SystemExit(f"no benchmark files matching a rule under {[str(b) for b in args.benchmarks]}")
    block = sized_block(frame)
    if args.write:
        replace_block(args.write, block)
        print(f"wrote sizes for {frame['rule'].nunique()} rules ({len(frame)} jobs) into {args.write}")
    else:
        print(block, end="")


if __name__ == "__main__":
    main()
