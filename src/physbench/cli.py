"""The ``physbench`` console command.

``physbench compare A B`` compares the metrics of two versions of the results; A and B are git
revisions or tags of the repository (read through DVC) or result directories.
``physbench debug TARGET`` runs the script of the rule that produces TARGET in this process, for
debuggers and profilers (see :mod:`physbench.debug`).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from physbench import debug, logs
from physbench.compare import DEFAULT_IGNORE, CompareError, run_compare, terminal_summary


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="physbench", description="physbench benchmark studies")
    commands = main.add_subparsers(dest="command", required=True)
    compare = commands.add_parser(
        "compare", help="compare the metrics of two versions of the results",
        description="Compare metrics of two versions. A and B: an existing directory (a run directory or its "
                    "results/) or metrics Parquet file, otherwise a git revision or tag of --repo.")
    compare.add_argument("a", help="baseline: git revision/tag, or result directory")
    compare.add_argument("b", help="variant: git revision/tag, or result directory")
    compare.add_argument("--repo", default=".", help="git (+DVC) repository for revisions (default: .)")
    compare.add_argument("--out", default=None, help="output directory (default: results/compare/<A>..<B>)")
    compare.add_argument("--study", action="append", default=None, help="compare only this study (repeatable)")
    compare.add_argument("--threshold", type=float, default=0.01,
                         help="flag |mean B - mean A| above this fraction of |mean A| (default: 0.01)")
    compare.add_argument("--abs-tol", type=float, default=1e-9, help="absolute tolerance added to the threshold")
    compare.add_argument("--alpha", type=float, default=0.05, help="level of the Wilcoxon test (default: 0.05)")
    compare.add_argument("--ignore", action="append", default=None,
                         help=f"metric name pattern never flagged (repeatable; default: {' '.join(DEFAULT_IGNORE)})")
    compare.add_argument("--fail-on-change", action="store_true", help="exit with status 1 when anything changed")
    debug.add_arguments(commands.add_parser(
        "debug", help="run one rule's script in this process (for pdb and profilers)",
        description="Run the script of the job that produces TARGET (or of rule TARGET with NAME=VALUE "
                    "wildcards) in this process, with the snakemake object Snakemake would inject. "
                    "Its inputs must exist."))
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "debug":
        return debug.run(args)
    logs.setup(level=logging.WARNING)  # the summary is printed below
    try:
        result = run_compare(args.a, args.b, repo=args.repo, out_dir=args.out, studies=args.study,
                             threshold=args.threshold, abs_tol=args.abs_tol, alpha=args.alpha,
                             ignore=DEFAULT_IGNORE if args.ignore is None else args.ignore)
    except CompareError as err:
        print(f"physbench compare: {err}", file=sys.stderr)
        return 2
    print(terminal_summary(result))
    return 1 if args.fail_on_change and result["table"]["flagged"].any() else 0


if __name__ == "__main__":
    sys.exit(main())
