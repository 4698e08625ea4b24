"""The SuperCon quick configuration on a real single-node Slurm cluster through the slurm profile.

tests/cluster/slurm_up.sh installs and starts Slurm (root, apt); where that is impossible the test
is skipped with the script's reason. Daemons the test started are stopped by their process ids.
"""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from tests.conftest import QUICK_CONFIG, REPO, SNAKEMAKE, copy_project
from tests.reliability.common import assert_same_metrics, planned_jobs

pytestmark = pytest.mark.workflow  # runs Snakemake, git or DVC: not in the fast tier

SLURM_UP = REPO / "tests/cluster/slurm_up.sh"
SLURM_CONF = Path("/etc/slurm/slurm.conf")
SLURM_MARKER = "# written by physbench tests/cluster/slurm_up.sh"  # the first line of the file slurm_up.sh writes
# The plugin waits for the first status check; squeue must see finished jobs (MinJobAge=600 s).
SLURM_OPTIONS = ("--profile", "workflow/profiles/slurm", "--slurm-init-seconds-before-status-checks", "5")
LIMIT_S = 1200  # SIGKILL after this: a status-command bug must not hang CI (the plugin ignores SIGTERM)


def stop(pids_file: Path) -> None:
    pids = [(line.split()[0], int(line.split()[1])) for line in pids_file.read_text().splitlines() if line.strip()]
    for _, pid in reversed(pids):  # slurmd, slurmctld, then munged
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def slurm_cluster(tmp_path_factory):
    state = tmp_path_factory.mktemp("slurm")
    started = subprocess.run(["bash", str(SLURM_UP), str(state)], capture_output=True, text=True, timeout=900)
    try:
        if started.returncode != 0:
            reason = started.stderr.strip().splitlines()[-1] if started.stderr else started.returncode
            pytest.skip(f"no Slurm cluster here: {reason}")
        yield state
    finally:
        if (state / "pids").exists():
            stop(state / "pids")
        # Without a controller, a slurm.conf left behind makes every later Snakemake start wait ~9 s:
        # the Slurm executor plugin asks `scontrol show config` when it loads.
        if SLURM_CONF.is_file() and SLURM_MARKER in SLURM_CONF.read_text():
            SLURM_CONF.unlink()


def test_supercon_quick_run_on_slurm_matches_the_local_run(slurm_cluster, quick_run, tmp_path, capsys):
    project = copy_project(tmp_path / "cluster")
    jobs = [rule for rule, _ in planned_jobs(project, "supercon", "--configfile", QUICK_CONFIG) if rule != "supercon"]
    profile = yaml.safe_load((REPO / "workflow/profiles/slurm/profile.yaml").read_text())
    grouped = {entry.split("=", 1)[0] for entry in profile["groups"]}
    command = ["timeout", "-s", "KILL", str(LIMIT_S), SNAKEMAKE, *SLURM_OPTIONS, "supercon",
               "--configfile", QUICK_CONFIG]
    result = subprocess.run(command, cwd=project, capture_output=True, text=True,
                            env=dict(os.environ, DVC_NO_ANALYTICS="1"))
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"rc {result.returncode} (137: killed after {LIMIT_S} s)\n{output[-6000:]}"
    submitted = output.count("has been submitted with SLURM jobid")
    with capsys.disabled():
        print(f"\nsbatch submissions for the quick SuperCon run: {submitted} for {len(jobs)} jobs "
              f"(one per job without the profile's groups)")
    # The data preparation (pull, materials, features, splits) and the aggregation with the summary go
    # as two group jobs; every fit is its own submission.
    ungrouped = [rule for rule in jobs if rule not in grouped]
    assert ungrouped and set(ungrouped) == {"supercon_fit"}
    assert submitted == len(ungrouped) + 2, output[-6000:]
    assert assert_same_metrics(project / "results-quick/supercon/metrics.parquet",
                               quick_run / "results-quick/supercon/metrics.parquet") > 500
    # Finished jobs are visible to squeue (the profile's status command), and nothing is left to do.
    states = subprocess.run(["squeue", "--states=all", "--noheader", "--format=%T"], capture_output=True, text=True)
    assert "COMPLETED" in states.stdout
    assert planned_jobs(project, *SLURM_OPTIONS, "supercon") == []
