# territoire — set-up, demo and tests. Both main targets install everything they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installe
PYTEST_ARGS ?=
# Processes running the tests (pytest-xdist, one test file per process at a time); 0: one process.
TEST_WORKERS ?= 2
# Départements of the demo warehouse (`make demo DEMO_DEPARTEMENTS=` for the whole of France, ≈ 2 min).
DEMO_DEPARTEMENTS ?= 33,24,47,40,64,17,16
# Port of the dashboard `make demo` ends by serving; SERVIR=0 skips serving.
PORT    ?= 8866
SERVIR  ?= 1
# Communes of Gironde whose reports `make demo` renders (into reports/sortie/demo/).
DEMO_RAPPORTS ?= 33063,33281,33069,33119,33192,33318

.PHONY: install demo test test-quick lint bench clean lock docs

$(STAMP): pyproject.toml requirements.lock deploy/jupyterhub/package-lock.json tests/axe/package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# Versions pinned by requirements.lock (tested together; `make lock` refreshes it).
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test]'
	# configurable-http-proxy for the JupyterHub deployment (and its test), when npm is there.
	-command -v npm >/dev/null 2>&1 && npm ci --silent --no-audit --no-fund --prefix deploy/jupyterhub
	# axe-core for the accessibility test, when npm is there.
	-command -v npm >/dev/null 2>&1 && npm ci --silent --no-audit --no-fund --prefix tests/axe
	touch $(STAMP)

install: $(STAMP)

## make docs: the documentation site (MkDocs Material, French) into site/ (open site/index.html);
## strict: a warning (broken link, page out of the menu, bad docstring reference) fails it.
docs: install
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

## make lock: regenerate requirements.lock from pyproject.toml, keeping the pins that still fit
## (`make lock LOCK_ARGS=--upgrade` moves every dependency to its latest allowed version).
LOCK_ARGS ?=
lock: install
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --python-version 3.11.7 \
		--python-platform x86_64-unknown-linux-gnu --custom-compile-command "make lock" \
		-o requirements.lock $(LOCK_ARGS)

## make demo: install, build the referential and the demo warehouse (offline), print a territory,
## then serve the élus' dashboard on the demo data (Ctrl-C stops it).
demo: install
	$(BIN)/territoire data demo $(if $(DEMO_DEPARTEMENTS),--departements $(DEMO_DEPARTEMENTS))
	@echo
	$(BIN)/territoire communes show 33063
	@echo
	$(BIN)/territoire indicateurs 33063 --theme foncier
	@echo
	$(BIN)/territoire communes search "saint etienne" --limite 3
	@echo
	$(BIN)/territoire reports --communes $(DEMO_RAPPORTS) --out reports/sortie/demo
	@echo
	$(BIN)/territoire db demo
ifneq ($(SERVIR),0)
	@echo
	$(BIN)/territoire dashboard --port $(PORT) --no-browser
endif

## make test: install and run every test suite (browser, postgres, notebooks, slow included).
test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

## make test-quick: the inner loop — unit and CLI tests, no browser, server, kernel or fresh venv (≈ 3 min).
test-quick: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not slow and not browser and not postgres and not notebooks" $(PYTEST_ARGS)

## make lint: ruff (lint and format), mypy and the layers contract (import-linter, in
## pyproject.toml: dependencies point down, no cycle), zero findings expected (CI runs it).
lint: install
	$(BIN)/ruff check territoire_data widgets tests benchmarks deploy tools
	$(BIN)/ruff format --check territoire_data widgets tests benchmarks deploy tools
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

## make bench: benchmarks, each printing its figures and the ratio to its baseline.
bench: install
	$(BIN)/python benchmarks/referential.py
	$(BIN)/python benchmarks/warehouse.py
	$(BIN)/territoire data demo --departements 33 >/dev/null && $(BIN)/python benchmarks/indicators.py
	$(BIN)/python benchmarks/dashboard.py
	$(BIN)/python benchmarks/reports.py
	$(BIN)/python benchmarks/radar.py
	$(BIN)/python benchmarks/france.py
	$(BIN)/python benchmarks/cluster.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache tests/artefacts
