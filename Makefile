# Relieflog: `make run` serves the app, `make test` runs everything.
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
# One thread per worker: on SQLite a thread holding the write lock must not wait for the
# GIL behind its siblings (2x the write throughput of 4 threads here). Raise it on PostgreSQL.
THREADS ?= 1

.PHONY: install lock run test lint demo bench fuzz clean

# Exact versions with hashes from requirements.lock (the app and its test extras), then this
# checkout itself, editable, with the lock's setuptools; pip check fails when pyproject.toml
# asks for something the lock lacks. --no-compile: Python compiles what it imports, once
# (a fresh install took 41 s with every installed module compiled, 26 s without).
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --no-compile --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m pip check || { echo "requirements.lock is behind pyproject.toml: make lock" >&2; exit 1; }
	touch $@

install: $(VENV)/.installed

# Writes requirements.lock from pyproject.toml (Python 3.11, Linux), keeping the versions
# already locked unless pyproject.toml rules them out; `make lock LOCK_ARGS=--upgrade` moves
# everything to the newest allowed. Commit the result; `make install` then installs it.
lock:
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet --generate-hashes \
		--allow-unsafe --strip-extras --extra test --no-emit-index-url --no-emit-find-links \
		--output-file requirements.lock $(LOCK_ARGS) pyproject.toml

# The reminders' sender runs beside gunicorn and ends with it (Ctrl-C stops both; if gunicorn
# exits, the sender is stopped). Several machines may each run one: a lease in the database
# lets one send at a time.
run: install
	$(PY) -m flask --app api db upgrade
	$(PY) -m flask --app api reminders run & sender=$$!; \
	trap 'kill $$sender 2>/dev/null' EXIT; \
	$(VENV)/bin/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --threads $(THREADS) --preload \
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
