#!/usr/bin/env bash
# `make demo`: a throwaway database with the demo patient, served until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d "${TMPDIR:-/tmp}/relieflog-demo.XXXXXX")
trap 'rm -rf "$dir"' EXIT
export DATABASE_URL="sqlite:///$dir/demo.db" INSTANCE_PATH="$dir"
.venv/bin/flask --app api db upgrade >/dev/null 2>&1
.venv/bin/flask --app api seed-demo
host=${HOST:-127.0.0.1} port=${PORT:-8000}
cat <<MSG

  Relieflog demo on http://$host:$port/
  Log in as  demo@relieflog.test  /  demo-password-123
  (a throwaway database in $dir, deleted when you stop the server)

MSG
exec .venv/bin/gunicorn --bind "$host:$port" --workers 2 --threads 1 'api:create_app()'
