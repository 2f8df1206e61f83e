#!/usr/bin/env bash
# `make demo`: a throwaway database with the demo patient, served until Ctrl-C; the
# database is deleted when the server stops. gunicorn runs as a child (not `exec`), so
# that this script outlives it and its EXIT trap removes the directory.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d "${TMPDIR:-/tmp}/relieflog-demo.XXXXXX")
server=""
cleanup() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
host=${HOST:-127.0.0.1} port=${PORT:-8000}
export DATABASE_URL="sqlite:///$dir/demo.db" INSTANCE_PATH="$dir" PUBLIC_URL="http://$host:$port"
.venv/bin/flask --app api db upgrade >/dev/null 2>&1
.venv/bin/flask --app api seed-demo
cat <<MSG

  Relieflog demo on $PUBLIC_URL/
  Log in as  demo@relieflog.test  /  demo-password-123
  (a throwaway database in $dir, deleted when you stop the server)

  Admin commands against this demo database, from another terminal in this folder:
    DATABASE_URL=$DATABASE_URL INSTANCE_PATH=$dir PUBLIC_URL=$PUBLIC_URL \\
      .venv/bin/flask --app api clinics create "Demo Clinic" --admin you@clinic.test

MSG
.venv/bin/gunicorn --bind "$host:$port" --workers 2 --threads 1 --preload 'api:create_app()' &
server=$!
wait "$server"
