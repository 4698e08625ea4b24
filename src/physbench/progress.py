"""Snakemake's terminal output made shorter and more telling: the time left in a run, from the
durations of earlier jobs of the same rules, and long file lists of a job shortened.

:class:`ProgressEstimate` follows a run through Snakemake's log events (the plan's job counts per
rule, jobs starting and finishing) and estimates the time left: for each rule, the jobs not yet
finished times the median duration of that rule's jobs, divided by the parallelism the run has
shown so far. Durations persist between runs in a small JSON history, so the first progress line
of a rerun already has an estimate. The Snakemake logger plugin
(``snakemake_logger_plugin_physbench``, enabled in the workflow profiles) feeds it and prints one
line after each of Snakemake's "N of M steps" lines. It also shortens the input, output and reason
lines of jobs with many files (an aggregation's inputs) with :func:`shorten_files` (not with
``--verbose``).
"""

from __future__ import annotations

import json
import logging
import os
import posixpath
import re
import statistics
import time
from collections import Counter, defaultdict
from pathlib import Path

log = logging.getLogger(__name__)

HISTORY_FILE = Path(".snakemake/physbench/job_seconds.json")
KEPT_PER_RULE = 50  # the most recent durations kept per rule


class ProgressEstimate:
    """Job counts per rule, start and end times of jobs, and the duration history per rule."""

    def __init__(self, history: dict[str, list[float]] | None = None, clock=time.monotonic):
        self.history = defaultdict(list, {rule: list(seconds) for rule, seconds in (history or {}).items()})
        self.clock = clock
        self.remaining: Counter[str] = Counter()
        self.rule_of: dict[int, str] = {}
        self.started: dict[int, float] = {}
        self.busy_seconds = 0.0
        self.first_start: float | None = None

    def planned(self, counts: dict[str, int]) -> None:
        """The plan: jobs per rule (Snakemake's job stats, its ``total`` row left out)."""
        self.remaining = Counter({rule: int(n) for rule, n in counts.items() if rule != "total"})

    def scheduled(self, jobid: int, rule: str) -> None:
        self.rule_of[jobid] = rule

    def job_started(self, jobid: int) -> None:
        now = self.clock()
        self.started[jobid] = now
        if self.first_start is None:
            self.first_start = now

    def job_finished(self, jobid: int) -> None:
        rule, start = self.rule_of.get(jobid), self.started.pop(jobid, None)
        if rule is None:
            return
        self.remaining[rule] = max(self.remaining[rule] - 1, 0)
        if start is not None:
            seconds = self.clock() - start
            self.busy_seconds += seconds
            self.history[rule] = [*self.history[rule], seconds][-KEPT_PER_RULE:]

    def parallelism(self) -> float:
        """Jobs running at once on average so far (busy job time over elapsed time), at least 1."""
        if self.first_start is None or self.busy_seconds <= 0:
            return 1.0
        elapsed = self.clock() - self.first_start
        return max(1.0, self.busy_seconds / elapsed) if elapsed > 0 else 1.0

    def seconds_left(self) -> tuple[float, int]:
        """(estimated seconds left, number of remaining jobs of rules without any duration yet)."""
        work, unknown = 0.0, 0
        for rule, count in self.remaining.items():
            if count and self.history.get(rule):
                work += count * statistics.median(self.history[rule])
            else:
                unknown += count
        return work / self.parallelism(), unknown

    def line(self) -> str | None:
        """The progress line's addition, or None while nothing is known."""
        if not any(self.remaining.values()):
            return None
        seconds, unknown = self.seconds_left()
        known = sum(self.remaining.values()) - unknown
        if not known:
            return f"time left: unknown (no earlier durations of the {unknown} remaining jobs' rules)"
        text = f"time left: about {format_duration(seconds)}"
        return text + (f", plus {unknown} jobs of rules never timed" if unknown else "")


def format_duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(seconds, 1):.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def load_history(path: Path = HISTORY_FILE) -> dict[str, list[float]]:
    """The duration history, or an empty one (first run, or a file that is not a history)."""
    try:
        history = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(history, dict):
        return {}
    return {str(rule): [float(s) for s in seconds if isinstance(s, int | float)]
            for rule, seconds in history.items() if isinstance(seconds, list)}


def save_history(history: dict[str, list[float]], path: Path = HISTORY_FILE) -> None:
    """Write the history (atomically; without physbench.io, whose pandas import would slow every
    Snakemake start that loads the logger plugin)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(dict(history), sort_keys=True))
        os.replace(tmp, path)
    except OSError as err:  # the estimate is a convenience: never fail a run over it
        log.debug("cannot write %s: %s", path, err)


SHOWN_FILES = 3  # files of a long list shown by name


def shorten_files(files: list[str], shown: int = SHOWN_FILES) -> list[str]:
    """A long list of files as its first names plus one entry counting the rest and naming their
    common folder; a short list unchanged."""
    files = [str(f) for f in files]
    if len(files) <= shown + 1:
        return files
    folder = posixpath.commonpath(files) if all(not f.startswith("/") for f in files) else ""
    where = f" under {folder}/" if folder else ""
    return [*files[:shown], f"... and {len(files) - shown} more{where} ({len(files)} files)"]


_LISTED = re.compile(r"(?<=: )([^;:]+)")


def shorten_reason(reason: str, shown: int = SHOWN_FILES) -> str:
    """A job's reason ("Missing output files: a, b, c, ...") with each long comma list shortened."""
    return _LISTED.sub(lambda match: ", ".join(shorten_files(match.group(1).split(", "), shown)), reason)
