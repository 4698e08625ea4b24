"""The pipeline as a scheduling problem: dry-run parsing, critical path, simulated makespan."""

import pandas as pd
import pytest

from physbench.schedule import attach_benchmarks, critical_path, makespan, parse_dry_run, run_summary

DRY_RUN = """
Building DAG of jobs...
rule a:
    input: data.csv
    output: a.out
    log: logs/a.log
    jobid: 1
    benchmark: bench/a.tsv
    reason: Forced execution
rule b:
    input: a.out
    output: b.out
    jobid: 2
    benchmark: bench/b.tsv
    threads: 2
rule c:
    input: a.out
    output: c.out
    jobid: 3
    benchmark: bench/c.tsv
localrule d:
    input: b.out, c.out
    output: d.out
    jobid: 4
    benchmark: bench/d.tsv
localrule all:
    input: d.out
    jobid: 0
"""
SECONDS = {"a": 10.0, "b": 5.0, "c": 20.0, "d": 1.0}


@pytest.fixture
def jobs(tmp_path):
    (tmp_path / "bench").mkdir()
    for name, seconds in SECONDS.items():
        pd.DataFrame({"s": [seconds], "cpu_time": [seconds * (2 if name == "b" else 1)]}).to_csv(
            tmp_path / f"bench/{name}.tsv", sep="\t", index=False)
    parsed = parse_dry_run(DRY_RUN)
    assert attach_benchmarks(parsed, tmp_path) == []
    return parsed


def test_dry_run_gives_jobs_threads_and_dependencies(jobs):
    assert sorted(jobs) == ["a#1", "all#0", "b#2", "c#3", "d#4"]
    assert jobs["b#2"].threads == 2 and jobs["a#1"].parents == set()
    assert jobs["d#4"].parents == {"b#2", "c#3"} and jobs["all#0"].parents == {"d#4"}


def test_critical_path_and_makespan(jobs):
    length, path = critical_path(jobs)
    assert length == 31.0 and path[:3] == ["a#1", "c#3", "d#4"]  # "all" adds no time
    assert makespan(jobs, 1) == 36.0  # b's two threads are capped at one core: everything in a row
    assert makespan(jobs, 2) == 36.0  # c (the longer chain) first; b waits for both cores
    assert makespan(jobs, 4) == 31.0  # enough cores: the critical path
    totals = run_summary(jobs)
    assert (totals["wall_s"], totals["cpu_s"], totals["timed_jobs"]) == (36.0, 41.0, 4)
