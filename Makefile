# The commands the README names. `make run` and `make test` set everything up themselves.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
SIMULATOR_PORT ?= 8765

.PHONY: setup run demo test fuzz lint format check-deploy benchmarks clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.requirements: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## setup: virtualenv, Python and front-end packages, compiled translations
setup: $(VENV)/.requirements node_modules/.installed
	mkdir -p var/celery/queue var/celery/processed var/celery/results var/celery/control
	$(PY) manage.py compiletranslations

## run: the whole product with demo data on SQLite at http://127.0.0.1:8000 (Ctrl-C stops it)
run: setup
	rm -rf var/celery/queue && mkdir -p var/celery/queue  # tasks of an earlier run are stale
	$(PY) manage.py migrate --noinput
	SIMULATOR_URL=http://127.0.0.1:$(SIMULATOR_PORT) $(PY) manage.py demo
	PATH="$(CURDIR)/$(BIN):$$PATH" PORT=$(PORT) SIMULATOR_PORT=$(SIMULATOR_PORT) \
	  SIMULATOR_URL=http://127.0.0.1:$(SIMULATOR_PORT) \
	  $(BIN)/honcho -f Procfile.dev start

## demo: (re)load the demo municipality into the configured database
demo: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo

## test: the whole suite (SQLite and the file-system broker unless DATABASE_URL / CELERY_BROKER_URL say otherwise)
test: setup
	$(PY) -m pytest

## fuzz: schemathesis against a throwaway demo server's API, as the team and as staff
fuzz: setup
	tests/fuzz_api.sh

## lint: ruff's checks and formatting
lint: $(VENV)/.requirements
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.requirements
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

benchmarks: setup
	$(PY) benchmarks/sla_clock.py
	$(PY) benchmarks/ingest.py
	$(PY) benchmarks/queue_page.py
	$(PY) benchmarks/scale.py
	$(PY) benchmarks/routing.py

clean:
	rm -rf var staticfiles .pytest_cache .ruff_cache test-artifacts
