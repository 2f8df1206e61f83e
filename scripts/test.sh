#!/usr/bin/env bash
# The whole suite: SQLite, then the browser tests in Chromium, then PostgreSQL.
# Says loudly what it could not run; under CI=true anything skipped is a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
py=${PYTHON:-.venv/bin/python}
status=0
skipped=()

banner() { printf '\n==== %s ====\n' "$1"; }

banner "API and unit tests on SQLite"
"$py" -m pytest -m "not e2e" "$@" || status=1

banner "Browser tests in Chromium"
if [ -x /usr/bin/chromium ]; then
  "$py" -m pytest -m e2e tests/e2e "$@" || status=1
else
  skipped+=("browser tests: /usr/bin/chromium is missing (apt-get install chromium)")
fi

banner "API tests on PostgreSQL"
if command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  scripts/with-postgres.sh "$py" -m pytest -m "not e2e" "$@" || status=1
else
  skipped+=("PostgreSQL pass: initdb not found (apt-get install postgresql)")
fi

if [ ${#skipped[@]} -gt 0 ]; then
  banner "SKIPPED"
  for reason in "${skipped[@]}"; do echo "  SKIPPED: $reason"; done
  if [ "${CI:-}" = "true" ]; then
    echo "CI requires every pass to run." >&2
    status=1
  fi
fi
exit $status
