# Two entry points: `make run` (the whole pipeline on the vendored data) and `make test`.
# Both bootstrap .venv from the pinned dependencies in requirements.lock.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export DVC_NO_ANALYTICS := 1

.PHONY: run test venv clean-venv

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

test: venv
	$(BIN)/python -m pytest

clean-venv:
	rm -rf $(VENV)
