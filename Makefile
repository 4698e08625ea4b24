# Two entry points: `make run` (the whole pipeline on the vendored data) and `make test` (the linters,
# then the whole test suite). Both bootstrap .venv from the hashed pins in requirements.lock.
# `make lint` runs the linters alone, `make test-fast` the unit tests alone (no Snakemake runs, no
# slow statistical checks). `make lock` regenerates requirements.lock (and requirements-pip.lock)
# after a pin changed in requirements.in (or PIP_VERSION here).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export DVC_NO_ANALYTICS := 1

# pip, installed first with its hash: the venv's bundled pip varies with the Python 3.11 patch release.
# uv writes the locks (make lock).
PIP_VERSION := 26.3
UV_VERSION  := 0.13.8
LOCK_VENV   := .venv-lock

.PHONY: run test test-fast lint venv clean-venv lock

venv: $(VENV)/.installed

# The project itself is installed last and cannot carry a hash (hence no --require-hashes there).
$(VENV)/.installed: pyproject.toml requirements.lock requirements-pip.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements-pip.lock
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# dvc repro runs the single DVC stage (dvc.yaml), which runs Snakemake; nothing reruns when
# nothing changed.
run: venv
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/dvc repro
	@echo
	@echo "Done. Results: results/<study>/metrics.parquet (all metrics), results/<study>/summary.json,"
	@echo "results/<study>/figures/*.png; DVC recorded their versions in dvc.lock, and baseline/ holds the"
	@echo "git-tracked copy of the metrics and headline numbers (commit both with your change)."

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

# Hashes of every file of each pinned version on the index (all platforms and Python versions), so
# the lock installs wherever the pins do. setuptools, which zc.lockfile requires, comes with the
# Python 3.11 venv and stays out of the lock, as before.
LOCK_FLAGS := --quiet --no-config --generate-hashes --python-version 3.11 --python-platform linux \
	--no-emit-package setuptools --custom-compile-command "make lock"

lock:
	test -x $(LOCK_VENV)/bin/pip || $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet uv==$(UV_VERSION)
	$(LOCK_VENV)/bin/uv pip compile $(LOCK_FLAGS) requirements.in -o requirements.lock
	echo pip==$(PIP_VERSION) | $(LOCK_VENV)/bin/uv pip compile $(LOCK_FLAGS) - -o requirements-pip.lock
