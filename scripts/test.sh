#!/usr/bin/env bash
# The whole suite, in three passes: the API and unit tests on SQLite; the browser tests in
# Chromium; the tests that use the database again on PostgreSQL (tests/conftest.py deselects
# the rest there). Every pass runs in parallel (pytest-xdist, TEST_WORKERS, default one per
# core): each worker has its own database, and in the browser pass its own gunicorn server
# and Chromium. The browser pass mostly waits on its pages (it keeps about one core of two
# busy), so it runs beside the two API passes, which run one after the other; its output is
# kept in a file and printed when it ends. TEST_WORKERS=1 runs the passes one after the
# other, each in one process. Prints each pass's wall time. Says loudly what it could not
# run; under CI=true anything skipped, or a pass that ran no test, is a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
py=${PYTHON:-.venv/bin/python}
workers=${TEST_WORKERS:-auto}
# Compile each module once, not in every worker, server and command the suite starts: with
# PYTHONDONTWRITEBYTECODE set (some images set it), each of them compiled the app again and
# pytest rewrote every test module again (about 5 s of CPU per worker per pass).
unset PYTHONDONTWRITEBYTECODE
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
skipped=()

banner() { printf '\n==== %s ====\n' "$1"; }

# run_pass NAME COMMAND...: runs one pass and writes its time and exit code to $results;
# pytest's exit code 5 (no test collected) counts as a pass that did not run.
run_pass() {
  local name=$1 start rc
  shift
  start=$(date +%s)
  "$@"
  rc=$?
  printf '%5ds  %s (exit %d)\n' $(($(date +%s) - start)) "$name" "$rc" >>"$results/times"
  printf '%s %s\n' "$rc" "$name" >>"$results/exits"
}

browser_log=$results/browser.log
browser=""
if [ -x /usr/bin/chromium ]; then
  if [ "$workers" = 1 ]; then
    banner "Browser tests in Chromium"
    run_pass "Browser tests in Chromium" "$py" -m pytest -m e2e -n "$workers" tests/e2e "$@"
  else
    echo "Browser tests in Chromium: running beside the API passes, printed when they end"
    run_pass "Browser tests in Chromium" "$py" -m pytest -m e2e -n "$workers" tests/e2e "$@" \
      >"$browser_log" 2>&1 &
    browser=$!
  fi
else
  skipped+=("browser tests: /usr/bin/chromium is missing (apt-get install chromium)")
fi

banner "API and unit tests on SQLite"
run_pass "API and unit tests on SQLite" "$py" -m pytest -m "not e2e" -n "$workers" "$@"

if command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  banner "API tests on PostgreSQL"
  run_pass "API tests on PostgreSQL" \
    scripts/with-postgres.sh "$py" -m pytest -m "not e2e" -n "$workers" "$@"
else
  skipped+=("PostgreSQL pass: initdb not found (apt-get install postgresql)")
fi

if [ -n "$browser" ]; then
  wait "$browser"
  banner "Browser tests in Chromium"
  cat "$browser_log"
fi

while read -r rc name; do
  if [ "$rc" -eq 5 ]; then
    skipped+=("$name: no test ran")
  elif [ "$rc" -ne 0 ]; then
    status=1
  fi
done <"$results/exits"

banner "TIMES"
cat "$results/times"
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
