# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run serve test lint fmt migrations messages bench bench-smoke backup restore clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $@

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m ruff check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

lint: install
	$(PY) -m ruff check .

fmt: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

migrations: install
	$(PY) manage.py makemigrations

# Needs GNU gettext (apt-get install gettext). The English catalogue translates Chinese msgids.
messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=static/vendor
	$(PY) manage.py compilemessages -l en --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts
