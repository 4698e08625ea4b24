"""Which studies the report covers: those asked for on the command line, plus those already built."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

GENERAL_TARGETS = {"all"}


def studies_named(targets: Iterable[str], studies: Sequence[str]) -> set[str]:
    """Studies a list of Snakemake targets asks for: a study's target rule (``supercon``), one of its
    rules (``supercon_fit``) or a file under ``results/<study>/``."""
    named = set()
    for target in targets:
        for study in studies:
            if target == study or target.startswith(f"{study}_") or target.startswith(f"results/{study}/"):
                named.add(study)
    return named


def select_studies(studies: Sequence[str], targets: Iterable[str], built: Iterable[str],
                   remote_job: bool = False) -> list[str]:
    """The studies the report and the aggregated results cover, in ``studies`` order.

    With no targets (the default ``all``) or ``all`` among them: every study. Otherwise the studies
    the targets name plus those whose outputs already exist (``built``); when that is none (e.g.
    ``snakemake report`` in a fresh directory), every study. A job re-run on a cluster node
    (``remote_job``) sees no command-line targets and takes the built studies, which by then are
    the ones its main process chose.
    """
    targets = set(targets)
    if not remote_job and (not targets or targets & GENERAL_TARGETS):
        return list(studies)
    chosen = studies_named(targets, studies) | set(built)
    return [s for s in studies if s in chosen] or list(studies)
