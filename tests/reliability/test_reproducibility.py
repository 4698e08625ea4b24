"""Reproducibility across BLAS set-ups: the quick chaos study rerun with one BLAS thread per job and
another OpenBLAS kernel family gives the same metrics, as physbench compare judges them.

Chaotic forecasts amplify last-bit differences (a different summation order in a BLAS kernel). The
forecasters keep them small; this test bounds them: compare flags nothing, and the report names how
many values differ at all and by how much (README, "Reproducibility").
"""

import platform

import numpy as np
import pytest

from physbench.compare import run_compare
from tests.conftest import run_snakemake
from tests.reliability.common import clone_run

pytestmark = pytest.mark.workflow


@pytest.mark.skipif(platform.machine() != "x86_64", reason="OpenBLAS kernel families named here are x86-64 ones")
def test_chaos_metrics_do_not_move_with_blas_threads_or_kernels(quick_run, tmp_path, capsys):
    run = clone_run(quick_run, tmp_path / "run")
    # Snakemake sets OPENBLAS/OMP_NUM_THREADS to the job's threads: --cores 1 gives every job one thread.
    run_snakemake(run, "chaos", "--forcerun", "chaos_forecast", "--cores", "1",
                  env={"OPENBLAS_CORETYPE": "Sandybridge"})  # AVX kernels instead of the detected family
    result = run_compare(str(quick_run / "results-quick"), str(run / "results-quick"), studies=["chaos"],
                         out_dir=tmp_path / "compare")
    table = result["table"]
    compared = table[table["status"] != "ignored"]
    assert len(compared) > 20 and not table["flagged"].any(), table.loc[table["flagged"]].to_string()
    moved = compared[compared["max_abs_diff"] > 0]
    with capsys.disabled():
        worst = (moved["max_abs_diff"] / moved["mean_a"].abs()).max() if len(moved) else 0.0
        print(f"\nchaos under other BLAS set-ups: {len(moved)} of {len(compared)} groups moved at all, "
              f"largest single-value change {worst:.2e} of its group mean")
    assert np.isfinite(compared["mean_b"]).sum() == np.isfinite(compared["mean_a"]).sum()
