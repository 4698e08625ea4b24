"""The pipeline as a scheduling problem: its jobs (from a Snakemake dry run), their measured cost
(from the rules' benchmark files), the critical path and the makespan on any number of cores.

A dry run with ``--forceall`` lists every job with its input, output, benchmark file and threads;
a job depends on the jobs that produce its inputs. The makespan is simulated by list scheduling:
whenever cores are free, the ready job with the longest remaining chain (its own wall time plus
its longest chain of dependants) starts, when its threads fit.
"""

from __future__ import annotations

import heapq
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


@dataclass
class Job:
    """One job of the DAG, its measured wall and CPU seconds, and the jobs it waits for."""

    name: str
    rule: str
    threads: int = 1
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    benchmark: str | None = None
    wall_s: float = 0.0
    cpu_s: float = 0.0
    finished_at: float | None = None
    parents: set[str] = field(default_factory=set)


_FIELD = re.compile(r"^\s{4}(input|output|benchmark|threads|jobid): (.*)$")


def parse_dry_run(text: str) -> dict[str, Job]:
    """Jobs (by ``rule#jobid``) of the text of ``snakemake --forceall --dry-run``, with dependencies."""
    jobs, current = {}, None
    for line in text.splitlines():
        header = re.match(r"^(?:local)?rule (\w+):$", line)
        if header:
            current = Job(name="", rule=header.group(1))
            continue
        match = _FIELD.match(line) if current is not None else None
        if not match:
            continue
        key, value = match.groups()
        if key in ("input", "output"):
            setattr(current, f"{key}s", [v for v in value.split(", ") if v])
        elif key == "benchmark":
            current.benchmark = value.strip()
        elif key == "threads":
            current.threads = int(value)
        else:
            current.name = f"{current.rule}#{value.strip()}"
            jobs[current.name] = current
    producer = {out: job.name for job in jobs.values() for out in job.outputs}
    for job in jobs.values():
        job.parents = {producer[i] for i in job.inputs if i in producer and producer[i] != job.name}
    return jobs


def attach_benchmarks(jobs: dict[str, Job], root: str | os.PathLike = ".") -> list[str]:
    """Read each job's benchmark file (wall ``s``, ``cpu_time``, its mtime as the end); return the
    names of jobs with a benchmark path but no file (not run yet)."""
    missing = []
    for job in jobs.values():
        if not job.benchmark:
            continue
        path = Path(root) / job.benchmark
        if not path.exists():
            missing.append(job.name)
            continue
        row = pd.read_csv(path, sep="\t").iloc[-1]
        job.wall_s, job.cpu_s = float(row["s"]), float(row["cpu_time"])
        job.finished_at = path.stat().st_mtime
    return missing


def _order(jobs: dict[str, Job]) -> list[str]:
    """Topological order (parents first)."""
    done, order = set(), []
    pending = sorted(jobs)
    while pending:
        ready = [n for n in pending if jobs[n].parents <= done]
        if not ready:
            raise ValueError(f"the DAG has a cycle among {pending[:5]}")
        order += ready
        done |= set(ready)
        pending = [n for n in pending if n not in done]
    return order


def _children(jobs: dict[str, Job]) -> dict[str, list[str]]:
    """Per job: the jobs that wait for it."""
    children: dict[str, list[str]] = {n: [] for n in jobs}
    for job in jobs.values():
        for parent in job.parents:
            children[parent].append(job.name)
    return children


def _tails(jobs: dict[str, Job], children: dict[str, list[str]]) -> dict[str, float]:
    """Per job: its wall time plus the longest chain of dependants after it."""
    tail: dict[str, float] = {}
    for name in reversed(_order(jobs)):
        tail[name] = jobs[name].wall_s + max((tail[c] for c in children[name]), default=0.0)
    return tail


def critical_path(jobs: dict[str, Job]) -> tuple[float, list[str]]:
    """(seconds, jobs) of the longest chain of dependent jobs by wall time."""
    best: dict[str, tuple[float, list[str]]] = {}
    for name in _order(jobs):
        before = max((best[p] for p in jobs[name].parents), default=(0.0, []), key=lambda item: item[0])
        best[name] = (before[0] + jobs[name].wall_s, [*before[1], name])
    return max(best.values(), key=lambda item: item[0]) if best else (0.0, [])


def makespan(jobs: dict[str, Job], cores: int) -> float:
    """Simulated seconds to run every job on ``cores`` cores (threads capped at ``cores``)."""
    children = _children(jobs)
    tail = _tails(jobs, children)
    waiting = {n: set(job.parents) for n, job in jobs.items()}
    ready = [(-tail[n], n) for n, parents in waiting.items() if not parents]
    heapq.heapify(ready)
    running: list[tuple[float, str]] = []
    now, free, started = 0.0, cores, 0
    while started < len(jobs) or running:
        held = []
        while ready:  # the longest remaining chain first; a job whose threads do not fit waits
            priority, name = heapq.heappop(ready)
            need = min(jobs[name].threads, cores)
            if need <= free:
                free -= need
                heapq.heappush(running, (now + jobs[name].wall_s, name))
                started += 1
            else:
                held.append((priority, name))
        for item in held:
            heapq.heappush(ready, item)
        now, name = heapq.heappop(running)
        free += min(jobs[name].threads, cores)
        for child in children[name]:
            waiting[child].discard(name)
            if not waiting[child]:
                heapq.heappush(ready, (-tail[child], child))
    return now


def run_summary(jobs: dict[str, Job]) -> dict[str, float]:
    """Totals of the last run: job wall and CPU sums, elapsed time (first start to last end, from
    the benchmark files' times) and the average number of jobs running at once. Benchmark files
    older than the last run (jobs it did not rerun) are left out."""
    timed = [j for j in jobs.values() if j.finished_at is not None]
    if timed:  # a job that ended earlier than all the jobs' wall time before the last end ran in an older run
        last = max(j.finished_at for j in timed)
        timed = [j for j in timed if j.finished_at >= last - sum(t.wall_s for t in timed)]
    wall = sum(j.wall_s for j in timed)
    elapsed = (max(j.finished_at for j in timed) - min(j.finished_at - j.wall_s for j in timed)) if timed else 0.0
    return {"jobs": len(jobs), "timed_jobs": len(timed), "wall_s": wall, "cpu_s": sum(j.cpu_s for j in timed),
            "elapsed_s": elapsed, "concurrency": wall / elapsed if elapsed else float("nan")}
