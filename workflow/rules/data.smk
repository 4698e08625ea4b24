# One pull rule per declared dataset: data/raw/<dataset>/ from the vendored snapshot or upstream,
# every file checked against the sha256 in the dataset's manifest (in the package and again by
# ensure()). The manifest is an input, so editing it reruns the pull.


for _dataset, _spec in config["datasets"].items():

    rule:
        name:
            f"pull_{_dataset}"
        input:
            manifest=_spec["manifest"],
            snapshot=snapshot_inputs(_dataset),
        output:
            [
                ensure(f"data/raw/{_dataset}/{file}", sha256=entry.sha256)
                for file, entry in dataset_manifest(_dataset).entries.items()
            ],
        log:
            logs_path(f"data/pull_{_dataset}.log"),
        benchmark:
            results_path(f"benchmarks/data/pull_{_dataset}.tsv")
        retries: 2
        conda:
            conda_env("data")
        params:
            dataset=_dataset,
            spec=_spec,
            source=config["data"]["source"],
            limits={
                "retries": config["data"]["download_retries"],
                "max_bytes": int(config["data"]["max_download_mb"] * 2**20),
                "deadline_s": config["data"]["download_deadline_s"],
            },
            code=script_code("pull_dataset"),
        script:
            "../../scripts/pull_dataset.py"
