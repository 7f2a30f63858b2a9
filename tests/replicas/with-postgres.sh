#!/usr/bin/env bash
# Runs COMMAND... with a private PostgreSQL cluster started for it and stopped after it, however
# it ends: a temp dir, loopback port $PGPORT (default 15439), its socket in the temp dir, trust
# auth. COMMAND gets DIPLOGRAPH_PG_URL (postgres://postgres@127.0.0.1:PORT, no database),
# DIPLOGRAPH_PG_STOP and DIPLOGRAPH_PG_START (shell commands), as tests/it/replicas/postgres.rs
# reads them. Debian's PostgreSQL: the newest under /usr/lib/postgresql, installed with apt-get
# only when none is. initdb refuses root, so as root the cluster runs as the postgres user.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 COMMAND..." >&2; exit 2; }
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
  echo "== installing postgresql (Debian)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
pgdir=$(mktemp -d)
pgport=${PGPORT:-15439}
as_pg=""
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$pgdir"
  as_pg="runuser -u postgres --"
fi
# pg_ctl runs from the temp dir: the postgres user may not enter the caller's directory.
pgstart="cd $pgdir && $as_pg $pgbin/pg_ctl -D $pgdir/data -o '-p $pgport -k $pgdir -c listen_addresses=127.0.0.1' -l $pgdir/log -w start >/dev/null"
pgstop="cd $pgdir && $as_pg $pgbin/pg_ctl -D $pgdir/data -m fast -w stop >/dev/null"
trap 'sh -c "$pgstop" 2>/dev/null || true; rm -rf "$pgdir"' EXIT
(cd "$pgdir" && $as_pg "$pgbin/initdb" -D "$pgdir/data" -A trust -U postgres >"$pgdir/initdb.log" 2>&1) ||
  { cat "$pgdir/initdb.log"; exit 1; }
sh -c "$pgstart" || { cat "$pgdir/log"; exit 1; }
echo "$("$pgbin/postgres" --version) on 127.0.0.1:$pgport ($pgdir)"
DIPLOGRAPH_PG_URL="postgres://postgres@127.0.0.1:$pgport" DIPLOGRAPH_PG_STOP="$pgstop" DIPLOGRAPH_PG_START="$pgstart" "$@"
