# territoire — set-up, demo and tests. Both main targets install everything they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installe
PYTEST_ARGS ?=

.PHONY: install demo test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## make demo: install, build the referential of communes, print territory cards.
demo: install
	$(BIN)/territoire communes show 33063
	@echo
	$(BIN)/territoire communes show epci:243300316
	@echo
	$(BIN)/territoire communes search "saint etienne" --limite 3

## make test: install and run every test suite (browser, postgres, notebooks, slow included).
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make bench: benchmarks, each printing its figures and the ratio to its baseline.
bench: install
	$(BIN)/python benchmarks/referentiel.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache tests/artefacts
