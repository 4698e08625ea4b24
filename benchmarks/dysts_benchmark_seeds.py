"""Robustness of a dysts_benchmark forecaster to its seed: the leaderboard line for several seeds.

Usage: python benchmarks/dysts_benchmark_seeds.py [--model esn] [--seeds 0,1,2,3,4]
       [--resolution 15] [--systems Lorenz,Rossler]

Runs the configured forecaster (config.yaml, studies.dysts_benchmark) by the published protocol
with each seed, hyper-parameters chosen on the train file. ``--resolution 100`` (the default)
uses the configured files (the vendored ones: run ``make run`` or ``snakemake dysts_benchmark``
first, which pulls them to data/raw/); another resolution integrates a train and a test file at
that many points per period with dysts (study settings ``generate``) into a temporary folder.
Prints per seed: median sMAPE with its bootstrap 95 % interval, wins and paired Wilcoxon p against
the baseline (when the files have published results), forecasts replaced because they diverged,
scored forecasts that hit the clip, and CPU seconds (selection, fit and forecast, summed over systems).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import yaml

from physbench.chaos.forecasters import REGISTRY
from physbench.dysts_benchmark import leaderboard, run
from physbench.dysts_benchmark.data import read_reference, read_series
from physbench.dysts_benchmark.generate import file_name, generate_files

REPO = Path(__file__).resolve().parents[1]


def files(settings: dict, resolution: int, systems: list[str] | None, folder: Path) -> tuple[Path, Path, Path | None]:
    """(train, test, reference or None) at the resolution: the configured files or new ones."""
    if resolution == 100:
        return tuple(REPO / settings[key] for key in ("train_file", "test_file", "reference_file"))
    names = systems or list(read_series(REPO / settings["generate"]["systems_from"]))
    train, test = folder / file_name("train", resolution, 12), folder / file_name("test", resolution, 12)
    start = time.perf_counter()
    counts = generate_files(names, resolution, 12, settings["generate"], train, test)
    print(f"integrated {counts['systems']} systems at {resolution} points per period "
          f"({counts['left_out']} left out) in {time.perf_counter() - start:.0f} s")
    return train, test, None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="esn")
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--resolution", type=int, default=100, help="points per period (100: the configured files)")
    parser.add_argument("--systems", default=None, help="comma-separated systems (default: every one)")
    args = parser.parse_args()
    settings = yaml.safe_load((REPO / "config.yaml").read_text())["studies"]["dysts_benchmark"]
    spec = settings["forecasters"][args.model]
    systems = args.systems.split(",") if args.systems else None
    baseline = settings["leaderboard"]["baseline"]
    seeds = [int(s) for s in args.seeds.split(",")]
    if "seed" not in REGISTRY[spec["forecaster"]]().get_params():
        seeds = seeds[:1]  # a deterministic forecaster: one line
    with tempfile.TemporaryDirectory() as folder:
        train_path, test_path, reference_path = files(settings, args.resolution, systems, Path(folder))
        train, test = read_series(train_path), read_series(test_path)
        reference = read_reference(reference_path) if reference_path else {}
    names = [s for s in (systems or (reference or test)) if s in test]
    print(f"{args.model} on {test_path.name}, {len(names)} systems")
    print(f"{'seed':>4s} {'median sMAPE':>13s} {'95 % CI':>15s} {'wins vs ' + baseline:>22s} {'p':>9s} "
          f"{'diverged':>9s} {'hit clip':>9s} {'CPU s':>7s}")
    for seed in seeds:
        seeded = {**spec, "params": {**spec.get("params", {}), **({"seed": seed} if len(seeds) > 1 else {})}}
        rows = run.run_model(args.model, seeded, train, test, names, run.Stability.from_settings(settings),
                             args.resolution)
        table = leaderboard.per_system_table([rows], reference)
        line = leaderboard.medians(table, n_resamples=settings["leaderboard"]["bootstrap_resamples"], seed=0)
        ours = line[line["source"] == run.SOURCE].iloc[0]
        versus = leaderboard.compare(table, args.model, baseline) if reference else None
        wins = f"{versus['wins']}/{versus['n_systems']} ({versus['win_fraction']:.0%})" if versus else "-"
        p = f"{versus['wilcoxon_p']:.1e}" if versus else "-"
        print(f"{seed:4d} {ours['median_smape']:13.1f} [{ours['smape_ci_low']:5.1f}, {ours['smape_ci_high']:5.1f}] "
              f"{wins:>22s} {p:>9s} {int(rows['diverged'].sum()):9d} {int(rows['hit_clip'].sum()):9d} "
              f"{run.total_seconds(rows):7.0f}", flush=True)
    if reference:
        published = table[(table["model"] == baseline) & table["system"].isin(names)]["smape"].median()
        print(f"{baseline} (published): median sMAPE {published:.1f}")


if __name__ == "__main__":
    main()
