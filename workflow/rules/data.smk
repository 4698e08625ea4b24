# One pull rule per declared dataset: data/raw/<dataset>/ from the vendored snapshot or upstream,
# every file checked against its sha256 (in the package and again by ensure()).


def snapshot_inputs(name):
    spec = config["datasets"][name]
    if config["data"]["source"] != "snapshot":
        return []
    return [f"{spec['snapshot_dir']}/{file['snapshot']}" for file in spec["files"].values()]


for _dataset, _spec in config["datasets"].items():

    rule:
        name:
            f"pull_{_dataset}"
        input:
            snapshot_inputs(_dataset),
        output:
            [
                ensure(f"data/raw/{_dataset}/{file}", sha256=spec["sha256"])
                for file, spec in sorted(_spec["files"].items())
            ],
        params:
            dataset=_dataset,
            spec=_spec,
            source=config["data"]["source"],
            retries=config["data"]["download_retries"],
            code=code_version("data", script="pull_dataset"),
        log:
            f"logs/data/pull_{_dataset}.log",
        benchmark:
            f"results/benchmarks/data/pull_{_dataset}.tsv"
        retries: 2
        script:
            "../../scripts/pull_dataset.py"
