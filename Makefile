# Two entry points: `make run` (the whole pipeline on the vendored data) and `make test` (the linters,
# then the whole test suite). Both bootstrap .venv from the pinned dependencies in requirements.lock.
# `make lint` runs the linters alone, `make test-fast` the unit tests alone (no Snakemake runs, no slow statistical checks).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export DVC_NO_ANALYTICS := 1

.PHONY: run test test-fast lint venv clean-venv

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# dvc repro runs the single DVC stage (dvc.yaml), which runs Snakemake; nothing reruns when
# nothing changed.
run: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/dvc repro
	@echo
	@echo "Done. Results: results/<study>/metrics.parquet (all metrics), results/<study>/summary.json,"
	@echo "results/<study>/figures/*.png; DVC recorded their versions in dvc.lock (commit it with your change)."

test: lint
	$(BIN)/python -m pytest

test-fast: venv
	$(BIN)/python -m pytest -m "not workflow and not slow"

# ruff (configured in pyproject.toml), snakefmt and Snakemake's own linter, on the default config.
lint: venv
	$(BIN)/ruff check .
	$(BIN)/snakefmt --check Snakefile workflow tests/example_study/workflow
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/snakemake --lint

clean-venv:
	rm -rf $(VENV)
