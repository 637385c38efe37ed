# The two commands: `make run` (portal on a laptop, demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

export DEBUG ?= 1
# Links in mail (each contact's portal link) open on the port in use, unless SITE_URL is set.
export SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test lint bench clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

run: $(VENV)/.installed
	mkdir -p var/broker/queue var/broker/processed var/mail
	$(PY) manage.py compile_translations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Portal:  http://$(HOST):$(PORT)/accounts/login/   Admin: http://$(HOST):$(PORT)/admin/"
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" HOST=$(HOST) WEB_PORT=$(PORT) $(VENV)/bin/honcho -f Procfile.dev start

# Two test processes, each with its own test database; the tests that start a real Celery worker
# share one process (their xdist group), since the worker reads the one Redis queue.
test: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(PY) manage.py compile_translations
	$(PY) -m pytest -n 2 --dist loadgroup

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf var staticfiles .pytest_cache
