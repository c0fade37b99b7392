# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest processes of `make test` (pytest-xdist; each test module stays on one process)
TEST_PROCESSES ?= 2

.PHONY: install run serve test lint fmt migrations messages schema bench bench-signals bench-smoke backup restore clean

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
	$(PY) -m pytest -n $(TEST_PROCESSES) --dist loadfile

lint: install
	$(PY) -m ruff check .

fmt: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

migrations: install
	$(PY) manage.py makemigrations

# The OpenAPI contract checked in at docs/openapi.yaml; tests/api/test_schema.py fails when
# the API changes without this file being regenerated.
schema: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py spectacular --validate --fail-on-warn --file docs/openapi.yaml

# Needs GNU gettext (apt-get install gettext). The English catalogue translates Chinese msgids.
messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=static/vendor
	$(PY) manage.py compilemessages -l en --ignore=.venv

# Benchmarks at province scale (docs/performance.md). Needs PostgreSQL at $(BENCH_DATABASE_URL)
# (created fresh: everything in it is replaced), wrk for the load test, and REDIS_URL for the
# Celery figures (skipped without). Takes about 5 minutes on 2 cores. Not part of `make test`.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/modelagency_bench
BENCH_SCALE ?= 1.0

bench: install
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench.run --fresh --scale $(BENCH_SCALE)

# The same figures at scale 0.01 on the test database, in seconds (also run by `make test`).
bench-signals: install  # the signals of formalism alone (part of `make bench`)
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench.figures.signals --fresh --scale $(BENCH_SCALE)

bench-smoke: install
	$(PY) -m pytest tests/bench -q

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts
