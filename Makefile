# Brug: two commands do all set-up on a fresh machine with Python 3.11 or newer.
#   make run   virtual environment, install, migrate, demo data, serve on http://127.0.0.1:8000 (with the worker)
#   make test  virtual environment, install, every test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench lint format messages check-messages worker clean

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Brug needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

# The background worker (mails, reminders, large imports) runs beside the server and stops with it.
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	BRUG_DEBUG=1 $(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	BRUG_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The test identity providers' npm packages (skipped, with a notice, where node is missing).
tests/idp/node_modules/.package-lock.json: tests/idp/package-lock.json
	@if command -v npm >/dev/null 2>&1; then cd tests/idp && npm ci --no-audit --no-fund --silent; fi

test: $(STAMP) tests/idp/node_modules/.package-lock.json
	$(BIN)/python -m pytest -n auto -p no:cacheprovider

bench: $(STAMP)
	$(BIN)/python manage.py bench

worker: $(STAMP)
	$(BIN)/python manage.py db_worker

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Needs GNU gettext (xgettext) for extraction; the compiled catalogue is kept in the repository.
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l nl -l en --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*'
	$(BIN)/python manage.py compile_catalogues

clean:
	rm -rf $(VENV) staticfiles
