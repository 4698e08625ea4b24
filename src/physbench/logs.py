"""Logging set-up for pipeline jobs: progress goes to the rule's log file and to stderr."""

from __future__ import annotations

import logging
import sys


def setup(log_file: str | None = None, level: int = logging.INFO) -> None:
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        handlers.append(logging.FileHandler(log_file, mode="w"))
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", handlers=handlers, force=True
    )
    sys.excepthook = _log_uncaught


def _log_uncaught(kind, error, traceback) -> None:
    """The error that stops a job goes to the rule's log too (Snakemake shows that log on failure)."""
    logging.getLogger("physbench").critical("%s: %s", kind.__name__, error, exc_info=(kind, error, traceback))
