# Fupin: the two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
export PIP_DISABLE_PIP_VERSION_CHECK=1

.PHONY: demo test smoke install install-test lint typecheck pytest serve bench-import bench-monitor bench-reports bench-scale clean bench-dci bench-projects bench-credit

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

install: $(PY)
	$(PY) -m pip install -q -e .

install-test: $(PY)
	$(PY) -m pip install -q -e '.[test]'

## make demo: install, migrate the SQLite default, build the five demo counties, serve :8000
demo: install
	DEBUG=1 $(VENV)/bin/fupin demo

## make test: lint, type-check and run the whole suite (SQLite, or DATABASE_URL if set)
test: install-test lint typecheck pytest

lint:
	$(VENV)/bin/ruff check fupin scripts
	$(VENV)/bin/lint-imports --no-logo

typecheck:
	$(VENV)/bin/mypy fupin

pytest:
	$(VENV)/bin/pytest -n 2 -q $(PYTEST_ARGS)

## make smoke: the production smoke test (DEBUG unset, collectstatic, gunicorn + worker)
smoke: install
	$(PY) scripts/prod_smoke.py

serve: install
	DEBUG=1 $(VENV)/bin/fupin serve

bench-import: install
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) scripts/bench_import.py

bench-monitor: install
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) scripts/bench_monitor.py

bench-reports: install
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) scripts/bench_reports.py

## make bench-scale: sweep, re-check and household-list time at 1M and 5M households (BENCH_SIZES)
bench-scale: install
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) scripts/bench_scale.py
bench-dci: install
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) scripts/bench_dci.py
bench-projects: install
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) scripts/bench_projects.py
bench-credit: install
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) scripts/bench_credit.py

clean:
	rm -rf $(VENV) var/test
