# Example study: the period of a simple pendulum from scipy's ODE integrators against the exact one.


include: "pendulum_common.smk"


rule pendulum:
    input:
        pendulum_targets(),


rule pendulum_period:
    output:
        metrics="results/pendulum/runs/{integrator}.parquet",
    log:
        "logs/pendulum/period_{integrator}.log",
    benchmark:
        "results/benchmarks/pendulum/period_{integrator}.tsv"
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
            "results/pendulum/runs/{integrator}.parquet",
            integrator=list(PENDULUM["integrators"]),
        ),
    output:
        metrics="results/pendulum/metrics.parquet",
    log:
        "logs/pendulum/aggregate.log",
    benchmark:
        "results/benchmarks/pendulum/aggregate.tsv"
    params:
        code=script_code("aggregate_study"),
    script:
        "../../scripts/aggregate_study.py"


rule pendulum_summary:
    input:
        metrics="results/pendulum/metrics.parquet",
    output:
        summary="results/pendulum/summary.json",
    log:
        "logs/pendulum/summary.log",
    benchmark:
        "results/benchmarks/pendulum/summary.tsv"
    params:
        code=script_code("pendulum_summary"),
    script:
        "../../scripts/pendulum_summary.py"
