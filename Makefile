# Relieflog: `make run` serves the app, `make test` runs everything.
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
# One thread per worker: on SQLite a thread holding the write lock must not wait for the
# GIL behind its siblings (2x the write throughput of 4 threads here). Raise it on PostgreSQL.
THREADS ?= 1

.PHONY: install run test lint demo bench fuzz clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# The reminders' sender runs beside gunicorn and ends with it (Ctrl-C stops both; if gunicorn
# exits, the sender is stopped). Several machines may each run one: a lease in the database
# lets one send at a time.
run: install
	$(PY) -m flask --app api db upgrade
	$(PY) -m flask --app api reminders run & sender=$$!; \
	trap 'kill $$sender 2>/dev/null' EXIT; \
	$(VENV)/bin/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --threads $(THREADS) \
		--access-logfile - 'api:create_app()'

test: install
	scripts/test.sh

demo: install
	scripts/demo.sh

bench: install
	$(PY) bench/run.py

fuzz: install
	FUZZ_EXAMPLES=1000 $(PY) -m pytest tests/test_fuzz.py

lint: install
	$(VENV)/bin/ruff check api tests bench
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
