# kaltara-study — one command builds the report, one checks it. `make help` lists the targets.
# A clean clone needs only Python 3.11 and pip: the first target run creates .venv, installs the
# pinned stack (uv when it can be installed, plain pip otherwise; byte-compiled either way), the package
# (editable), a Jupyter kernel named kaltara-study inside the venv, and compiles the study's numba
# kernels once (so neither the tests' workers nor the notebooks' kernels compile them again; the one
# kernel the study never runs, of the batched gap statistic, compiles on first use), and byte-compiles the
# package's own modules (the shell may set PYTHONDONTWRITEBYTECODE, and every notebook kernel imports them).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
LOCK   := requirements/lock.txt
STAMP  := $(VENV)/.kaltara-installed
SOURCE ?= kaltara
LANG_ID ?= id
SEED   ?= 20251
USE_UV ?= 1
# Quiet, reproducible kernels: no Jupyter path-migration warning, no debugger frozen-module note.
export JUPYTER_PLATFORM_DIRS := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1
export MPLBACKEND := Agg
export PYTHONHASHSEED := 0

.PHONY: help install report test test-unit test-notebooks lab clean lock bench

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'
	@echo "  variables: SOURCE=kaltara|synthetic|<folder>  LANG_ID=id|en  SEED=$(SEED)  USE_UV=1|0 (0: plain pip)"
	@echo "  outputs: the real study in Indonesian -> reports/ (committed); anything else -> build/<source>[-en]/"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml $(LOCK)
	@echo ">> installing the pinned stack into $(VENV)"
	@if [ "$(USE_UV)" = 1 ] && $(PY) -m pip install -q uv >/dev/null 2>&1 && [ -x $(VENV)/bin/uv ]; then \
	  $(VENV)/bin/uv pip install -q --compile-bytecode --python $(PY) -r $(LOCK) && \
	  $(VENV)/bin/uv pip install -q --python $(PY) --no-deps -e . ; \
	else \
	  echo ">> uv unavailable: using pip"; \
	  $(PY) -m pip install -q -r $(LOCK) && $(PY) -m pip install -q --no-deps -e . ; \
	fi
	$(PY) -m ipykernel install --sys-prefix --name kaltara-study --display-name "Python (kaltara-study)" >/dev/null
	@echo ">> compiling the study's numba kernels once (cached next to their source)"
	$(PY) -c "from kaltara_study.segmentation.algorithms import compile_kernels; compile_kernels()"
	$(PY) -m compileall -q kaltara_study
	@touch $@

install: $(STAMP) ## create .venv, install the package + pinned deps, register the kaltara-study kernel

report: $(STAMP) ## build the real study: raw -> processed -> notebooks 00..08 -> reports/ (SOURCE=synthetic -> build/synthetic/)
	$(VENV)/bin/kaltara-study build --source $(SOURCE) --lang $(LANG_ID) --seed $(SEED) $(if $(OUT),--output $(OUT))

# One pytest session runs everything (pytest-xdist, the machine's two cores, one file per worker): a
# single start-up and collection instead of two. pytest-xdist sends the files with the most tests first,
# so the PII build (one test, which runs two notebook kernels of its own) comes near the end, where it
# fills both cores; sending the longest files first (--no-loadscope-reorder) put it beside the pipeline
# tests at the start and was slower: 281 s against 264 s, 524 s against 487 s of CPU (2026-12-03).
# All runs read and write a temporary copy of the project (conftest.py), never the checkout. pytest
# exits 5 when it collected nothing: that is a broken suite here.
PYTEST_UNIT := tests kaltara_study --doctest-modules
PYTEST_NB   := --nbval notebooks --nbval-kernel-name kaltara-study --nbval-sanitize-with $(CURDIR)/tests/nbval_sanitize.cfg
define run_pytest
@rc=0; $(PY) -m pytest -q -rs -n 2 --dist loadfile $(1) || rc=$$?; \
if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc
endef

test: $(STAMP) ## the whole test suite: unit/property/real-data tests and doctests, and nbval (strict) over notebooks/
	$(call run_pytest,$(PYTEST_UNIT) $(PYTEST_NB))

test-unit: $(STAMP) ## only the unit/property/real-data tests and doctests
	$(call run_pytest,$(PYTEST_UNIT))

test-notebooks: $(STAMP) ## only nbval (strict) over notebooks/
	$(call run_pytest,$(PYTEST_NB))

lab: $(STAMP) ## open JupyterLab with the kaltara-study kernel
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

bench: $(STAMP) ## run the benchmarks (prints figures with the machine noted)
	@for b in benchmarks/*.py; do echo ">> $$b"; $(PY) $$b; done

lock: $(PY) ## re-pin requirements/lock.txt from pyproject.toml (needs uv)
	$(PY) -m pip install -q uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 -q -o $(LOCK)

clean: ## remove built outputs and the cache (data/interim, data/processed, reports, build); never data/raw
	rm -rf build data/interim data/processed/* reports/figures reports/tables reports/notebooks reports/index.html reports/MANIFEST.json
	touch data/processed/.gitkeep
