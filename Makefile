# Brug: two commands do all set-up on a fresh machine with Python 3.11 or newer.
#   make run   virtual environment, install, migrate, demo data, and the production server (gunicorn,
#              debug off) on http://127.0.0.1:8000 with the worker, on the embedded SQLite database
#   make test  virtual environment, install, every test
# For developing: make dev (Django's auto-reloading server, debug on).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Runtime (requirements.txt) and development (requirements-dev.txt) locks, with hashes: `make lock`.
REQUIREMENTS := requirements.txt requirements-dev.txt
STAMP := $(VENV)/.installed-$(shell cat $(REQUIREMENTS) | cksum | cut -d' ' -f1)
PIP_COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
HOST ?= 127.0.0.1
PORT ?= 8000
# A random secret key for this clone's embedded set-up, made once and kept (git-ignored).
SECRET_KEY_FILE := .brug-secret-key
KEYED := BRUG_SECRET_KEY_FILE="$(CURDIR)/$(SECRET_KEY_FILE)"

.PHONY: run dev test test-production loadtest bench lint format messages check-messages worker scheduler lock clean

$(STAMP): $(REQUIREMENTS)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Brug needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.txt -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

$(SECRET_KEY_FILE):
	@umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

# The way production runs, through the same entrypoint as the container: gunicorn with debug off,
# static files collected and served by whitenoise, and beside it the background worker (mails,
# reminders, large imports) and the scheduler; all stop together.
run: $(STAMP) $(SECRET_KEY_FILE)
	@export PATH="$(CURDIR)/$(BIN):$$PATH" $(KEYED) BRUG_MANIFEST_STATIC=1 BRUG_LOG_FORMAT=text; \
	bin/brug-entrypoint migrate && bin/brug-entrypoint collectstatic && bin/brug-entrypoint manage load_demo || exit 1; \
	bin/brug-entrypoint worker & worker=$$!; \
	bin/brug-entrypoint scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	bin/brug-entrypoint web --bind $(HOST):$(PORT)

# For developing: Django's auto-reloading server with debug on, and the worker.
dev: $(STAMP)
	@export BRUG_DEBUG=1 BRUG_LOG_FORMAT=text; \
	$(BIN)/python manage.py migrate --noinput && $(BIN)/python manage.py load_demo || exit 1; \
	$(BIN)/python manage.py db_worker & worker=$$!; \
	$(BIN)/python manage.py scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The test identity providers' npm packages (skipped, with a notice, where node is missing).
tests/idp/node_modules/.package-lock.json: tests/idp/package-lock.json
	@if command -v npm >/dev/null 2>&1; then cd tests/idp && npm ci --no-audit --no-fund --silent; fi

test: $(STAMP) tests/idp/node_modules/.package-lock.json
	$(BIN)/python -m pytest -n auto -p no:cacheprovider

# Production proved as processes (tests/production/test_smoke_processes.py): two gunicorn servers, two
# workers and the scheduler over one PostgreSQL database and one Redis; skipped when either is missing.
test-production: $(STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider -rs tests/production/test_smoke_processes.py

# Locust against the production server on the region-scale benchmark database (made once, then reused),
# on SQLite and PostgreSQL; writes bench/results-load.md. 127.0.0.1 only, bounded in users and time.
LOADTEST_DATABASES ?= sqlite,postgresql
LOADTEST_USERS ?= 100
LOADTEST_SECONDS ?= 75
LOADTEST_POSTGRES ?= postgres://postgres@127.0.0.1:5432/brug_load
LOADTEST_REDIS ?= redis://127.0.0.1:6379/0
loadtest: $(STAMP)
	$(BIN)/python bench/loadtest.py --databases $(LOADTEST_DATABASES) --users $(LOADTEST_USERS) \
		--run-time $(LOADTEST_SECONDS) --postgres $(LOADTEST_POSTGRES) --redis $(LOADTEST_REDIS)

bench: $(STAMP) $(SECRET_KEY_FILE)
	$(KEYED) $(BIN)/python manage.py bench

worker: $(STAMP) $(SECRET_KEY_FILE)
	$(KEYED) $(BIN)/python manage.py db_worker

# The periodic jobs (brug/schedule.py): reminders, digests, retention, lost-task checks. Safe to run on several machines.
scheduler: $(STAMP) $(SECRET_KEY_FILE)
	$(KEYED) $(BIN)/python manage.py scheduler

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Needs GNU gettext (xgettext) for extraction; the compiled catalogue is kept in the repository.
messages: $(STAMP)
	BRUG_DEBUG=1 $(BIN)/python manage.py makemessages -l nl -l en --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*'
	BRUG_DEBUG=1 $(BIN)/python manage.py compile_catalogues

# After a change to requirements.in or requirements-dev.in: pin and hash again (keeps the other pins).
lock:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet pip-tools==7.6.2
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

clean:
	rm -rf $(VENV) staticfiles
