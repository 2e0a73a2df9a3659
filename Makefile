# The two commands the README opens with: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install lint serve clean assets browser

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

install: $(STAMP)

## Front-end assets (docs/adr/0004-web-ui.md): npm ci from package-lock.json, dist files copied, never committed
VENDOR := src/qitong/web/static/vendor
VENDOR_STAMP := $(VENDOR)/.installed

$(VENDOR_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/fonts
	cp node_modules/@tabler/core/dist/css/tabler.min.css node_modules/@tabler/core/dist/js/tabler.min.js $(VENDOR)/
	cp node_modules/@tabler/icons-webfont/dist/tabler-icons.min.css $(VENDOR)/
	cp node_modules/@tabler/icons-webfont/dist/fonts/tabler-icons.woff2 $(VENDOR)/fonts/
	cp node_modules/@tabler/icons-webfont/dist/fonts/tabler-icons.woff $(VENDOR)/fonts/
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	@touch $(VENDOR_STAMP)

assets: $(VENDOR_STAMP)

## Debian's Chromium for the browser test (never `playwright install`), and a CJK font for legible screenshots
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk)

## Run Qitong on the embedded SQLite default, with demo data: web + worker on http://127.0.0.1:8000
demo: $(STAMP) $(VENDOR_STAMP)
	$(BIN)/qitong db upgrade
	$(BIN)/qitong demo load
	$(BIN)/qitong run --host 127.0.0.1 --port 8000

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/mypy src
	$(BIN)/lint-imports

## Every test: lint, types, architecture, unit, service, integration (SQLite + PostgreSQL), e2e
test: $(STAMP) $(VENDOR_STAMP) browser lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
	rm -rf node_modules $(VENDOR)
