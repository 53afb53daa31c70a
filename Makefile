# ecomops — `make help` lists the targets. The two set-up commands of README.md are
# `make demo` (portal with demo data on embedded defaults) and `make test` (whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python ## Install the portal and its development tools into .venv
	scripts/install-system-deps.sh
	$(BIN)/pip install --quiet -e '.[dev]'

demo: install ## Start web + Celery worker + beat with demo data (embedded defaults)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	scripts/run-portal.sh $(PORT)

lint: ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: ## mypy with django-stubs (application code; tests are linted by ruff)
	$(BIN)/mypy ecomops core catalog orders fulfilment billing returns manage.py

migrations-check: ## Fail when a model change has no migration
	DJANGO_SETTINGS_MODULE=ecomops.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

messages: ## Extract and compile translations (core + every app)
	scripts/messages.sh

test: install ## Install, then lint, typecheck, migrations check and the whole test suite
	$(MAKE) --no-print-directory lint typecheck migrations-check
	$(BIN)/pytest --create-db

graphs: ## Draw every state machine into docs/state-machines/ (needs Debian graphviz)
	PYTHONHASHSEED=0 $(BIN)/python manage.py draw_state_machines  # stable node order

bench: install ## Run the benchmarks under bench/ (figures go to bench/results/)
	@ls bench/*.py >/dev/null 2>&1 && for b in bench/bench_*.py; do $(BIN)/python $$b; done || echo "no benchmarks yet"

bench-one: install ## Run one benchmark: make bench-one NAME=intake (bench/bench_$(NAME).py)
	@test -n "$(NAME)" || { echo "usage: make bench-one NAME=intake"; exit 2; }
	$(BIN)/python bench/bench_$(NAME).py

.PHONY: help install demo lint typecheck migrations-check messages test graphs bench bench-one
