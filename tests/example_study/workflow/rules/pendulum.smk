# Example study: the period of a simple pendulum from scipy's ODE integrators against the exact one.


include: "pendulum_common.smk"


rule pendulum:
    input:
        pendulum_targets(),


rule pendulum_period:
    output:
        metrics=results_path("pendulum/runs/{integrator}.parquet"),
    log:
        logs_path("pendulum/period_{integrator}.log"),
    benchmark:
        results_path("benchmarks/pendulum/period_{integrator}.tsv")
    wildcard_constraints:
        integrator="[A-Za-z0-9_]+",
    params:
        integrator=lookup(
            dpath="studies/pendulum/integrators/{integrator}", within=config
        ),
        amplitudes_deg=PENDULUM["amplitudes_deg"],
        length_m=PENDULUM["length_m"],
        code=script_code("pendulum_period"),
    script:
        "../../scripts/pendulum_period.py"


rule pendulum_aggregate:
    input:
        metrics=expand(
            results_path("pendulum/runs/{integrator}.parquet"),
            integrator=list(PENDULUM["integrators"]),
        ),
    output:
        metrics=results_path("pendulum/metrics.parquet"),
    log:
        logs_path("pendulum/aggregate.log"),
    benchmark:
        results_path("benchmarks/pendulum/aggregate.tsv")
    params:
        code=script_code("aggregate_study"),
    script:
        "../../scripts/aggregate_study.py"


rule pendulum_summary:
    input:
        metrics=results_path("pendulum/metrics.parquet"),
    output:
        summary=results_path("pendulum/summary.json"),
    log:
        logs_path("pendulum/summary.log"),
    benchmark:
        results_path("benchmarks/pendulum/summary.tsv")
    params:
        code=script_code("pendulum_summary"),
    script:
        "../../scripts/pendulum_summary.py"
