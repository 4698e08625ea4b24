"""The ``physbench`` console command.

``physbench compare A B`` compares the metrics of two versions of the results; A and B are git
revisions or tags of the repository (read through DVC) or result directories.
``physbench debug TARGET`` runs the script of the rule that produces TARGET in this process, for
debuggers and profilers (see :mod:`physbench.debug`). ``physbench list`` shows the studies, models,
settings and datasets of the configuration; ``physbench show STUDY`` a finished study's headline.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from physbench import __version__, inventory, logs
from physbench.compare import DEFAULT_IGNORE, CompareError, run_compare, terminal_summary


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="physbench", description="physbench benchmark studies")
    main.add_argument("--version", action="version", version=f"physbench {__version__}")
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
    listing = commands.add_parser("list", help="studies, models, settings and datasets of the configuration")
    listing.add_argument("--configfile", action="append", default=[], metavar="FILE",
                         help="config file merged over config.yaml (repeatable)")
    show = commands.add_parser("show", help="a finished study's headline numbers (results/<study>/summary.json)")
    show.add_argument("study")
    show.add_argument("--results", default="results", help="results directory (default: results)")
    debug_arguments(commands.add_parser(
        "debug", help="run one rule's script in this process (for pdb and profilers)",
        description="Run the script of the job that produces TARGET (or of rule TARGET with NAME=VALUE "
                    "wildcards) in this process, with the snakemake object Snakemake would inject. "
                    "Its inputs must exist."))
    return main


def debug_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``physbench debug``."""
    parser.add_argument("target", help="output file of the job (as given to snakemake), or a rule name")
    parser.add_argument("wildcards", nargs="*", metavar="NAME=VALUE", help="wildcards of the rule's job")
    parser.add_argument("--configfile", action="append", default=[], metavar="FILE",
                        help="config file merged over config.yaml, as snakemake --configfile (repeatable)")
    parser.add_argument("--directory", "-d", default=None, help="workflow directory (default: .)")
    parser.add_argument("--cores", type=int, default=None, help="cores that bound the job's threads (default: all)")


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "debug":
        from physbench import debug

        return debug.run(args)
    if args.command == "list":
        print(inventory.inventory(inventory.load_config(".", tuple(args.configfile))))
        return 0
    if args.command == "show":
        try:
            print(inventory.headline(args.study, args.results))
        except FileNotFoundError as err:
            print(f"physbench show: {err}", file=sys.stderr)
            return 2
        return 0
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
