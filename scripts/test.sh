#!/usr/bin/env bash
# The whole suite: SQLite, then the browser tests in Chromium, then PostgreSQL (only the
# tests that use the database: tests/conftest.py deselects the rest there). Every pass runs
# in parallel (pytest-xdist, TEST_WORKERS, default one per core): each worker has its own
# database, and in the browser pass its own gunicorn server and Chromium. Prints each pass's wall time. Says loudly what it could not run; under CI=true
# anything skipped, or a pass that ran no test, is a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
py=${PYTHON:-.venv/bin/python}
workers=${TEST_WORKERS:-auto}
# Compile each module once, not in every worker, server and command the suite starts: with
# PYTHONDONTWRITEBYTECODE set (some images set it), each of them compiled the app again and
# pytest rewrote every test module again (collecting the API tests: 12.1 s of CPU per
# worker with it, 6.9 s without).
unset PYTHONDONTWRITEBYTECODE
status=0
skipped=()
times=()

banner() { printf '\n==== %s ====\n' "$1"; }

# run_pass NAME COMMAND...: runs one pass, keeps its time; pytest's exit code 5 (no test
# collected) counts as a pass that did not run.
run_pass() {
  local name=$1 start rc
  shift
  banner "$name"
  start=$(date +%s)
  "$@"
  rc=$?
  times+=("$(printf '%5ds  %s (exit %d)' $(($(date +%s) - start)) "$name" "$rc")")
  if [ "$rc" -eq 5 ]; then
    skipped+=("$name: no test ran")
  elif [ "$rc" -ne 0 ]; then
    status=1
  fi
}

run_pass "API and unit tests on SQLite" "$py" -m pytest -m "not e2e" -n "$workers" "$@"

if [ -x /usr/bin/chromium ]; then
  run_pass "Browser tests in Chromium" "$py" -m pytest -m e2e -n "$workers" tests/e2e "$@"
else
  skipped+=("browser tests: /usr/bin/chromium is missing (apt-get install chromium)")
fi

if command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  run_pass "API tests on PostgreSQL" \
    scripts/with-postgres.sh "$py" -m pytest -m "not e2e" -n "$workers" "$@"
else
  skipped+=("PostgreSQL pass: initdb not found (apt-get install postgresql)")
fi

banner "TIMES"
for line in "${times[@]}"; do echo "$line"; done
printf '%5ds  in all\n' "$SECONDS"

if [ ${#skipped[@]} -gt 0 ]; then
  banner "SKIPPED"
  for reason in "${skipped[@]}"; do echo "  SKIPPED: $reason"; done
  if [ "${CI:-}" = "true" ]; then
    echo "CI requires every pass to run." >&2
    status=1
  fi
fi
exit $status
