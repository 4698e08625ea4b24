"""Run one rule's script in this process, with the ``snakemake`` object Snakemake would inject.

Snakemake runs a ``script:`` in a fresh interpreter, so ``breakpoint()``, ``python -m pdb`` and
profilers do not reach it. Here the workflow is loaded through Snakemake's Python API, a dry run
resolves the job that produces a target file (or a rule's job for given wildcards), and the rule's
script runs with :func:`runpy.run_path` under the same ``snakemake.input``, ``output``, ``params``
(functions evaluated), ``wildcards``, ``threads``, ``resources``, ``log`` and ``config``::

    physbench debug results/supercon/splits/kfold5.parquet --configfile tests/config/quick.yaml
    python -m pdb -m physbench.debug supercon_split scheme=kfold5

Inputs must exist already (build them with Snakemake); outputs are overwritten and not recorded
in Snakemake's metadata.
"""

from __future__ import annotations

import argparse
import os
import runpy
import shlex
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from snakemake.api import SnakemakeApi
from snakemake.exceptions import RuleException, WorkflowError
from snakemake.script import Snakemake
from snakemake.settings.enums import Quietness
from snakemake.settings.types import (
    ConfigSettings,
    DAGSettings,
    ExecutionSettings,
    OutputSettings,
    ResourceSettings,
)
from snakemake.sourcecache import LocalSourceFile, infer_source_file
from snakemake.utils import format as snakemake_format
from snakemake_interface_executor_plugins.utils import TargetSpec


class DebugError(RuntimeError):
    """The job cannot run outside Snakemake; the message names the file or rule and the fix."""


@dataclass(frozen=True)
class ScriptJob:
    """One job of the workflow: its rule's script and the ``snakemake`` object it is given."""

    rule: str
    script: Path
    snakemake: Snakemake
    workdir: Path
    stale_inputs: tuple[str, ...]  # existing inputs that Snakemake would rebuild before this job
    update_command: str  # the snakemake command that rebuilds them ("" if none)


def resolve_job(target: str, wildcards: Mapping[str, str] | None = None, configfiles: Sequence[str | Path] = (),
                workdir: str | Path | None = None, cores: int | None = None) -> ScriptJob:
    """The job that produces ``target`` (a file path, or a rule name when ``wildcards`` are given or
    the rule has none), as a dry run of the workflow in ``workdir`` (default: the current directory)
    with ``configfiles`` merged over config.yaml and ``cores`` (default: all) would run it.

    Raises :class:`DebugError` if the rule has no local Python script or an input file is missing.
    Inputs that exist but that Snakemake would rebuild first (their code, params or inputs changed)
    are listed in ``stale_inputs``: the script reads them as they are.
    """
    workdir = Path(workdir or os.getcwd()).resolve()
    configs = [Path(file).resolve() for file in configfiles]
    for config in configs:
        if not config.is_file():
            raise DebugError(f"{config}: config file not found; give an existing --configfile")
    dag_settings = (DAGSettings(target_jobs=[TargetSpec(target, dict(wildcards))]) if wildcards
                    else DAGSettings(targets=frozenset({target})))
    # Snakemake's messages off (its errors are raised): the dry run would list every upstream job.
    with SnakemakeApi(OutputSettings(quiet={Quietness.ALL}, enable_file_logging=False)) as api:
        workflow_api = api.workflow(resource_settings=ResourceSettings(cores=cores or os.cpu_count()),
                                    config_settings=ConfigSettings(configfiles=configs),
                                    snakefile=workdir / "Snakefile", workdir=workdir)
        workflow_api.dag(dag_settings).execute_workflow(executor="dryrun",
                                                        execution_settings=ExecutionSettings(lock=False))
        # The API returns no jobs; the dry run leaves its DAG on the workflow.
        workflow = workflow_api._workflow
        (job,) = workflow.dag.targetjobs
        script = _script(job, target)
        missing = [str(file) for file in job.input if not Path(file).exists()]
        if missing:
            raise DebugError(f"rule {job.rule.name}: input {', '.join(missing)} does not exist in {workdir}; "
                             f"build it first: {_snakemake_command(missing, configs, workdir)}")
        upstream = {str(file) for other in workflow.dag.needrun_jobs(exclude_finished=False) if other is not job
                    for file in other.output}
        stale = tuple(str(file) for file in job.input if str(file) in upstream)
        injected = Snakemake(job.input, job.output, job.params, job.wildcards, job.threads, job.resources, job.log,
                             workflow.config, job.rule.name, None, str(script.parent))
    return ScriptJob(rule=job.rule.name, script=script, snakemake=injected, workdir=workdir, stale_inputs=stale,
                     update_command=_snakemake_command(stale, configs, workdir) if stale else "")


def _script(job, target: str) -> Path:
    """The local Python script of ``job``'s rule, resolved as Snakemake does (relative to the rule file)."""
    rule = job.rule
    if not rule.script:
        raise DebugError(f"{target}: rule {rule.name} has no script: directive; give the output of a rule "
                         "that runs a script")
    source = infer_source_file(snakemake_format(rule.script, wildcards=job.wildcards, params=job.params),
                               infer_source_file(rule.basedir))
    path = Path(source.get_path_or_uri(secret_free=True)).resolve()
    if not isinstance(source, LocalSourceFile) or path.suffix != ".py":
        raise DebugError(f"rule {rule.name}: script {rule.script} is not a local Python file; only those run here")
    return path


def _snakemake_command(files: Sequence[str], configs: Sequence[Path], workdir: Path) -> str:
    overrides = "".join(f" --configfile {shlex.quote(os.path.relpath(config, workdir))}" for config in configs)
    return f"snakemake {shlex.join(files)}{overrides}"


def run_job(job: ScriptJob) -> dict:
    """Run ``job``'s script in this process from its working directory, after creating the parent
    directories of its outputs and logs; return the script's globals."""
    previous = os.getcwd()
    os.chdir(job.workdir)
    sys.path.append(str(job.script.parent))  # as Snakemake does for local scripts
    try:
        for file in [*job.snakemake.output, *job.snakemake.log]:
            Path(file).parent.mkdir(parents=True, exist_ok=True)
        return runpy.run_path(str(job.script), init_globals={"snakemake": job.snakemake}, run_name="__main__")
    finally:
        sys.path.remove(str(job.script.parent))
        os.chdir(previous)


def run(args: argparse.Namespace) -> int:
    """``physbench debug``: resolve the job, then run its script (its errors propagate, for pdb)."""
    wildcards = dict(item.partition("=")[::2] for item in args.wildcards)
    if any(not name or not value for name, value in wildcards.items()):
        print(f"physbench debug: wildcards are NAME=VALUE, got {' '.join(args.wildcards)}", file=sys.stderr)
        return 2
    try:
        job = resolve_job(args.target, wildcards, args.configfile, args.directory, args.cores)
    except (DebugError, WorkflowError, RuleException) as err:
        print(f"physbench debug: {err}", file=sys.stderr)
        return 2
    described = ", ".join(f"{name}={value}" for name, value in job.snakemake.wildcards.items())
    print(f"physbench debug: rule {job.rule} ({described}), threads {job.snakemake.threads}: {job.script}\n"
          f"  input:  {' '.join(job.snakemake.input)}\n  output: {' '.join(job.snakemake.output)}\n"
          f"  log:    {' '.join(job.snakemake.log)}", file=sys.stderr)
    if job.stale_inputs:
        print(f"physbench debug: warning: Snakemake would rebuild {' '.join(job.stale_inputs)} first; the script "
              f"reads the file(s) as they are (to update them: {job.update_command})", file=sys.stderr)
    run_job(job)
    return 0


if __name__ == "__main__":
    from physbench.cli import main

    sys.exit(main(["debug", *sys.argv[1:]]))
