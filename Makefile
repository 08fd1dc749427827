# cpro — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
export DJANGO_COLORS := nocolor

.PHONY: run test test-browser bench worker beat lint check-deploy system-check clean-data help

help:
	@echo "make run    lance cpro sur http://localhost:$(PORT)/ (démo : http://demo.localhost:$(PORT)/)"
	@echo "make test   lance tous les tests"
	@echo "make bench  affiche les mesures de performance"
	@echo "make worker lance un worker Celery (avec REDIS_URL)"
	@echo "make beat   lance les tâches planifiées (courriel quotidien des tuteurs, avec REDIS_URL)"

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

# cpro.runner owns the run: one per checkout, the embedded PostgreSQL stopped however the run ends.
run: system-check
	@$(PY) -m cpro.runner --port $(PORT)

# Two pytest processes side by side (tests/run.py); with a test path in PYTEST_ARGS, one plain run.
test: system-check
	$(PY) -m tests.run $(PYTEST_ARGS)

bench: system-check
	$(PY) -m bench

worker: system-check
	@test -n "$$REDIS_URL" || { echo "Sans REDIS_URL, les tâches s'exécutent dans le processus web : pas de worker à lancer."; exit 1; }
	$(VENV)/bin/celery -A cpro worker --loglevel=INFO

beat: system-check
	@test -n "$$REDIS_URL" || { echo "Sans REDIS_URL, pas de beat : lancez « manage.py send_digests » chaque matin."; exit 1; }
	$(VENV)/bin/celery -A cpro beat --loglevel=INFO

lint: $(STAMP)
	$(VENV)/bin/ruff check .

check-deploy: $(STAMP)
	DJANGO_SETTINGS_MODULE=cpro.settings.prod $(PY) manage.py check --deploy --fail-level WARNING

# Asks before deleting (CONFIRMER=oui to skip the question); refuses while cpro or the tests use the data.
clean-data: $(STAMP)
	@$(PY) -m cpro.embedded clean-data $(if $(CONFIRMER),--oui)
