# The two commands the README opens with: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install lint serve clean

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

install: $(STAMP)

## Run Qitong on the embedded SQLite default, with demo data: web + worker on http://127.0.0.1:8000
demo: $(STAMP)
	$(BIN)/qitong db upgrade
	$(BIN)/qitong demo load
	$(BIN)/qitong run --host 127.0.0.1 --port 8000

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/mypy src
	$(BIN)/lint-imports

## Every test: lint, types, architecture, unit, service, integration (SQLite + PostgreSQL), e2e
test: $(STAMP) lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
