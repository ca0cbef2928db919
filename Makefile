# Kindred: `make run` starts the whole forum; `make test` runs the whole test suite.
# Both create the virtualenv and install what they need on first use.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The browser tests' Node tools (axe-core, vnu-jar), pinned in package-lock.json.
NODE_STAMP := node_modules/.installed

.PHONY: run test lint format screenshots bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci
	touch $(NODE_STAMP)

## Serve Kindred on http://127.0.0.1:5000 (gunicorn + worker + embedded Redis + SQLite).
run: $(STAMP)
	FLASK_APP=wsgi $(BIN)/flask forum serve

## Run every test (SQLite + embedded Redis unless TEST_DATABASE_URL / REDIS_URL are set),
## the browser tests included (they need Debian's chromium and Java; see the README).
test: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## README screenshots: desktop and phone, light and dark, into static/img/screenshots/.
screenshots: $(STAMP)
	$(BIN)/python bench/screenshots.py

lint: $(STAMP)
	$(BIN)/ruff check forum tests bench
	$(BIN)/ruff format --check forum tests bench

format: $(STAMP)
	$(BIN)/ruff format forum tests bench
	$(BIN)/ruff check --fix forum tests bench

clean:
	rm -rf $(VENV) instance .pytest_cache node_modules

## Every benchmark, printing tables (needs wrk; BENCH_DATABASE_URL adds PostgreSQL). Never in CI.
bench: $(STAMP)
	$(BIN)/python bench/all.py
