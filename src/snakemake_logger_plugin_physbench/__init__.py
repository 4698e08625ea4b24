"""Snakemake logger plugin ``physbench`` (``--logger physbench``, set in the workflow profiles):
Snakemake's usual terminal output, with the estimated time left after each "N of M steps done" line,
and long file lists of a job (an aggregation's inputs) shortened unless ``--verbose``
(physbench.progress).

Snakemake finds logger plugins by this module name. The handler claims the terminal stream and
writes through Snakemake's own handler, filter and formatter, so the output is Snakemake's plus
one line per progress step, in order. Besides the terminal it writes only the duration history
(.snakemake/physbench/job_seconds.json).
"""

from __future__ import annotations

import copy
import sys
from logging import LogRecord

from snakemake.logging import ColorizingTextHandler, DefaultFilter, DefaultFormatter
from snakemake_interface_logger_plugins.base import LogHandlerBase
from snakemake_interface_logger_plugins.common import LogEvent

from physbench.progress import ProgressEstimate, load_history, save_history, shorten_files, shorten_reason


class LogHandler(LogHandlerBase):
    def __post_init__(self) -> None:
        settings = self.common_settings
        self.terminal = ColorizingTextHandler(nocolor=settings.nocolor,
                                              stream=sys.stdout if settings.stdout else sys.stderr)
        self.terminal.addFilter(DefaultFilter(settings.quiet or set(), settings.debug_dag, settings.verbose,
                                              settings.dryrun, settings.printshellcmds))
        self.terminal.setFormatter(DefaultFormatter(settings.quiet or set(), settings.show_failed_logs))
        self.estimate = None if settings.dryrun else ProgressEstimate(load_history())
        self.shorten = not settings.verbose

    def emit(self, record: LogRecord) -> None:
        self.terminal.handle(self.shortened(record))
        if self.estimate is None:
            return
        event = getattr(record, "event", None)
        if event == LogEvent.RUN_INFO and isinstance(getattr(record, "stats", None), dict):
            self.estimate.planned(record.stats)
        elif event == LogEvent.JOB_INFO:
            self.estimate.scheduled(record.jobid, record.rule_name)
        elif event == LogEvent.JOB_STARTED:
            for jobid in getattr(record, "jobs", ()):
                self.estimate.job_started(jobid)
        elif event == LogEvent.JOB_FINISHED:
            self.estimate.job_finished(record.job_id)
            save_history(self.estimate.history)
        elif event == LogEvent.PROGRESS and self.terminal.filter(record) and (line := self.estimate.line()):
            self.terminal.stream.write(f"{line}\n")
            self.terminal.flush()

    def shortened(self, record: LogRecord) -> LogRecord:
        """A job's record with long file lists shortened (a copy: other handlers see the original)."""
        if not self.shorten or getattr(record, "event", None) != LogEvent.JOB_INFO:
            return record
        record = copy.copy(record)
        for name in ("input", "output"):
            if isinstance(getattr(record, name, None), list | tuple):
                setattr(record, name, shorten_files(list(getattr(record, name))))
        if isinstance(getattr(record, "reason", None), str):
            record.reason = shorten_reason(record.reason)
        return record

    @property
    def writes_to_stream(self) -> bool:
        return True

    @property
    def writes_to_file(self) -> bool:
        return False

    @property
    def has_filter(self) -> bool:
        return True  # its terminal handler has Snakemake's filter; the estimate sees every event

    @property
    def has_formatter(self) -> bool:
        return True

    @property
    def needs_rulegraph(self) -> bool:
        return False
