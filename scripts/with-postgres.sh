#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster: initdb in a temp dir, start it on
# a free 127.0.0.1 port, export TEST_DATABASE_URL, run "$@", stop and delete the cluster.
set -euo pipefail

bindir=""
if command -v initdb >/dev/null 2>&1; then
  bindir=$(dirname "$(command -v initdb)")
else
  for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && bindir=$candidate
  done
fi
if [ -z "$bindir" ]; then
  echo "with-postgres: initdb not found (install Debian 'postgresql')" >&2
  exit 3
fi

workdir=$(mktemp -d "${TMPDIR:-/tmp}/relieflog-pg.XXXXXX")
as_owner=()
if [ "$(id -u)" = 0 ]; then
  # PostgreSQL refuses to run as root: run the cluster as the postgres (or nobody) user.
  owner=postgres
  getent passwd postgres >/dev/null || owner=nobody
  chown "$owner" "$workdir"
  as_owner=(runuser -u "$owner" --)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

cleanup() {
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT

"${as_owner[@]}" "$bindir/initdb" -D "$workdir/data" -U relieflog --auth=trust -E UTF8 \
  --no-locale >"$workdir/initdb.log" 2>&1 || { cat "$workdir/initdb.log" >&2; exit 1; }
# Durability settings off: this cluster is thrown away, and the tests run twice as fast.
"${as_owner[@]}" "$bindir/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $workdir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || { cat "$workdir/server.log" >&2; exit 1; }
"${as_owner[@]}" "$bindir/postgres" --version >/dev/null
psql_bin=$(dirname "$(readlink -f "$bindir/initdb")")
"$psql_bin/createdb" -h 127.0.0.1 -p "$port" -U relieflog relieflog_test

export TEST_DATABASE_URL="postgresql+psycopg://relieflog@127.0.0.1:$port/relieflog_test"
echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
"$@"
