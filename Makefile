# ruwaard-analysis: every task a researcher needs, from a fresh clone with only Python 3.11+.
# `make help` lists them.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
YEAR   ?= 2017
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install kernel demo-data validate run report screenshot test test-fast baseline lint bench clean

help: ## list the tasks
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name ruwaard-analysis --display-name "Python (ruwaard-analysis)" >/dev/null
	touch $(STAMP)

install: $(STAMP) ## create .venv, install the package and register the Jupyter kernel

demo-data: $(STAMP) ## write the synthetic demo dataset to data/raw/demo/
	$(BIN)/ruwaard demo-data

validate: demo-data ## validate the demo dataset
	$(BIN)/ruwaard validate data/raw/demo

run: demo-data ## run the yearly analysis (YEAR=2017) on the demo data
	$(BIN)/ruwaard run --year $(YEAR)

REPORT_YEARS ?= 2016 2017 2018

report: demo-data ## the main job: demo data, analysis for 2016-2018, the reports and stuurgroep decks (HTML notebooks without Quarto)
	@for year in $(REPORT_YEARS); do $(BIN)/ruwaard report --year $$year || exit 1; done

screenshot: ## docs/leergeschiedenis.png: the first screen of the report (YEAR=2017), for the README
	@test -f reports/$(YEAR)/leergeschiedenis-$(YEAR).html || $(BIN)/ruwaard report --year $(YEAR)
	$(BIN)/python scripts/screenshot_report.py reports/$(YEAR)/leergeschiedenis-$(YEAR).html docs/leergeschiedenis.png

test: $(STAMP) ## lint, check the layer contract and run the whole test suite (what CI runs)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

test-fast: $(STAMP) ## the everyday loop: every test except the slow end-to-end runs
	$(BIN)/python -m pytest -m "not slow"

baseline: $(STAMP) ## accept a deliberate change of published values (say why in the commit)
	$(BIN)/python -m pytest tests/end_to_end/test_published_values.py --accept-baseline -q

lint: $(STAMP) ## ruff over the code and the layer contract (import-linter)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/lint-imports

bench: $(STAMP) ## run the benchmarks (a few minutes); figures, machine and date go in benchmarks/README.md
	QUARTO_PATH="$${QUARTO_PATH:-$$( [ -x ../shared/tools/quarto/install-quarto ] && ../shared/tools/quarto/install-quarto 2>/dev/null | tail -1 )}" \
	  $(BIN)/python -m benchmarks

clean: ## remove generated results (never data/raw)
	rm -rf data/processed/[0-9]* data/interim reports/[0-9]*/notebooks reports/[0-9]*/html reports/[0-9]*/failed reports/[0-9]*/run_log.json reports/[0-9]*/leergeschiedenis-*.html reports/[0-9]*/leergeschiedenis-*.pdf .pytest_cache
