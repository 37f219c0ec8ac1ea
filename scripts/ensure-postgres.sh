#!/usr/bin/env bash
# Makes sure a real Postgres answers on 127.0.0.1:5432 with the password the tests use
# (TEST_DATABASE_URL, default postgres://postgres:postgres@127.0.0.1:5432/postgres).
# Installs Debian's postgresql when no server is installed. Needs root (or sudo) for that.
set -euo pipefail

PGHOST_TEST=127.0.0.1
PGPORT_TEST=5432
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if pg_isready -q -h "$PGHOST_TEST" -p "$PGPORT_TEST" 2>/dev/null; then
  echo "postgres: already answering on $PGHOST_TEST:$PGPORT_TEST"
else
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    echo "postgres: installing Debian postgresql"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >/dev/null
  fi
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$version main$"; then
    as_root pg_createcluster "$version" main >/dev/null
  fi
  as_root pg_ctlcluster "$version" main start || true
  for _ in $(seq 1 30); do
    pg_isready -q -h "$PGHOST_TEST" -p "$PGPORT_TEST" && break
    sleep 1
  done
  pg_isready -h "$PGHOST_TEST" -p "$PGPORT_TEST"
  echo "postgres: cluster $version/main started"
fi

# The tests connect over TCP with a password; set it (idempotent).
if [ "$(id -u)" = 0 ] || command -v sudo >/dev/null; then
  as_root su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
fi
