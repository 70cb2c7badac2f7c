# news-analysis: every target sets up what it needs. `make help` lists them.
PYTHON ?= python3
VENV ?= .venv
CORPUS ?= seeds
OUT ?= reports
PYTEST_ARGS ?=

BIN := $(VENV)/bin
STAMP_BASE := $(VENV)/.installed-base
STAMP_TEST := $(VENV)/.installed-test

.DEFAULT_GOAL := help
.PHONY: help report test lab benchmark venv clean strip-notebooks

help: ## List the targets.
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-16s %s\n", $$1, $$2}'
	@echo "  Variables: CORPUS=$(CORPUS) OUT=$(OUT) PYTHON=$(PYTHON)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "news-analysis needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_BASE): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(STAMP_TEST): pyproject.toml $(STAMP_BASE)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

venv: $(STAMP_BASE) ## Create .venv and install the package (editable).

report: $(STAMP_BASE) ## Write the HTML report of CORPUS (default: seeds/) to OUT (default: reports/).
	$(BIN)/news-analysis report $(CORPUS) --out $(OUT)
	@echo "Open $(OUT)/index.html"

test: $(STAMP_TEST) ## Run the whole test suite (creates .venv with the test extras).
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lab: $(STAMP_BASE) ## Open JupyterLab on notebooks/.
	$(BIN)/jupyter lab notebooks/

benchmark: $(STAMP_TEST) ## Measure throughput and peak memory on ../shared/corpora.
	$(BIN)/python -m benchmarks.bench_load
	$(BIN)/python -m benchmarks.bench_terms
	$(BIN)/python -m benchmarks.bench_ner
	$(BIN)/python -m benchmarks.bench_vader
	$(BIN)/python -m benchmarks.bench_stages
	$(BIN)/python benchmarks/run.py --corpus ../shared/corpora/bbc

strip-notebooks: $(STAMP_BASE) ## Remove outputs from the committed notebooks.
	$(BIN)/news-analysis strip notebooks/*.ipynb

clean: ## Remove .venv, reports/ and caches.
	rm -rf $(VENV) $(OUT) .pytest_cache .hypothesis build *.egg-info
