"""The time-left estimate of the logger plugin, fed the events Snakemake logs."""

import logging

from physbench.progress import ProgressEstimate, format_duration, load_history, save_history


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_time_left_is_remaining_jobs_times_median_duration_over_parallelism():
    clock = Clock()
    estimate = ProgressEstimate({"fit": [10.0, 30.0, 20.0]}, clock=clock)  # median 20 s from earlier runs
    estimate.planned({"fit": 4, "aggregate": 1, "total": 5})
    assert estimate.line() == "time left: about 80 s, plus 1 jobs of rules never timed"
    for jobid in (1, 2):
        estimate.scheduled(jobid, "fit")
        estimate.job_started(jobid)
    clock.now = 40.0
    for jobid in (1, 2):
        estimate.job_finished(jobid)  # two 40 s jobs side by side: parallelism 2
    assert estimate.parallelism() == 2.0
    assert estimate.remaining["fit"] == 2 and estimate.history["fit"][-2:] == [40.0, 40.0]
    seconds, unknown = estimate.seconds_left()
    assert seconds == 2 * 30.0 / 2 and unknown == 1  # median of 10, 30, 20, 40, 40 is 30


def test_rules_without_history_are_unknown_until_a_job_finishes():
    clock = Clock()
    estimate = ProgressEstimate(clock=clock)
    estimate.planned({"new_rule": 3, "total": 3})
    assert estimate.line().startswith("time left: unknown")
    estimate.scheduled(7, "new_rule")
    estimate.job_started(7)
    clock.now = 120.0
    estimate.job_finished(7)
    assert estimate.line() == "time left: about 4 min"
    estimate.remaining.clear()
    assert estimate.line() is None


def test_history_round_trip_and_damaged_files(tmp_path, caplog):
    path = tmp_path / "history/job_seconds.json"
    assert load_history(path) == {}
    save_history({"fit": [1.5, 2.0]}, path)
    assert load_history(path) == {"fit": [1.5, 2.0]}
    path.write_text("[1, 2")
    assert load_history(path) == {}
    path.write_text('{"fit": [1, "x", 2.5], "bad": 3}')
    assert load_history(path) == {"fit": [1.0, 2.5]}
    with caplog.at_level(logging.DEBUG):
        save_history({"fit": [1.0]}, tmp_path / "history/job_seconds.json/not_a_dir")  # never raises


def test_durations_read_naturally():
    assert [format_duration(s) for s in (0.2, 45, 600, 7200)] == ["1 s", "45 s", "10 min", "2.0 h"]


def test_long_file_lists_of_a_job_are_shortened_with_their_count_and_folder():
    from physbench.progress import shorten_files, shorten_reason

    files = [f"results/sparc/fits/li2020/nfw/chunk{i}/metrics.parquet" for i in range(12)]
    assert shorten_files(files[:4]) == files[:4]
    assert shorten_files(files) == [*files[:3], "... and 9 more under results/sparc/fits/li2020/nfw/ (12 files)"]
    reason = "Missing output files: " + ", ".join(files) + "; Params have changed since last execution"
    assert shorten_reason(reason) == ("Missing output files: " + ", ".join(files[:3]) + ", ... and 9 more under "
                                      "results/sparc/fits/li2020/nfw/ (12 files); Params have changed since last "
                                      "execution")
