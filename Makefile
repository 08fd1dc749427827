# cpro — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
export DJANGO_COLORS := nocolor

.PHONY: run test test-browser bench worker lint check-deploy system-check clean-data help

help:
	@echo "make run    lance cpro sur http://localhost:$(PORT)/ (démo : http://demo.localhost:$(PORT)/)"
	@echo "make test   lance tous les tests"
	@echo "make bench  affiche les mesures de performance"
	@echo "make worker lance un worker Celery (avec REDIS_URL)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' || \
	  { echo "cpro a besoin de Python 3.11 (trouvé : $$($(PYTHON) --version 2>&1)). Indiquez-le avec PYTHON=python3.11."; exit 1; }
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || \
	  { echo "Le module venv de Python manque : sudo apt-get install python3-venv"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

system-check: $(STAMP)
	@$(PY) -m cpro.system_check

run: system-check
	$(PY) manage.py setup_platform
	@if [ -z "$$DATABASE_URL" ]; then $(PY) manage.py seed_demo; fi
	@echo "cpro : http://localhost:$(PORT)/ — démo : http://demo.localhost:$(PORT)/"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: system-check
	$(PY) -m pytest $(PYTEST_ARGS)

bench: system-check
	$(PY) -m bench

worker: system-check
	@test -n "$$REDIS_URL" || { echo "Sans REDIS_URL, les tâches s'exécutent dans le processus web : pas de worker à lancer."; exit 1; }
	$(VENV)/bin/celery -A cpro worker --loglevel=INFO

lint: $(STAMP)
	$(VENV)/bin/ruff check .

check-deploy: $(STAMP)
	DJANGO_SETTINGS_MODULE=cpro.settings.prod $(PY) manage.py check --deploy --fail-level WARNING

clean-data:
	rm -rf .data
