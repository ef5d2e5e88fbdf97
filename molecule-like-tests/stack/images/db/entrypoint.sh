#!/bin/sh
# Sets the postgres user's password from POSTGRES_PASSWORD (the stack's .env) in single-user mode, then
# runs PostgreSQL in the foreground as PID 1. The password is never echoed.
set -eu
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is not set}"
bin=/usr/lib/postgresql/15/bin
data=/var/lib/postgresql/15/main
conf=/etc/postgresql/15/main/postgresql.conf
as_postgres="setpriv --reuid=postgres --regid=postgres --init-groups"
mkdir -p /run/postgresql && chown postgres:postgres /run/postgresql
escaped=$(printf '%s' "$POSTGRES_PASSWORD" | sed "s/'/''/g")
printf "ALTER USER postgres PASSWORD '%s';\n" "$escaped" |
  $as_postgres "$bin/postgres" --single -D "$data" -c config_file="$conf" postgres >/dev/null
exec $as_postgres "$bin/postgres" -D "$data" -c config_file="$conf" -c listen_addresses='*'
