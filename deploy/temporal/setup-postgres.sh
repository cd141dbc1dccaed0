#!/bin/sh
# One-shot job (image temporalio/admin-tools): create or upgrade Temporal's schemas in PostgreSQL.
# Idempotent: `create` ignores an existing database, `setup-schema -v 0.0` only creates the version
# tables, and `update-schema` applies just the versioned migrations that are missing — so it is safe
# on every `docker compose up` and is how a server image upgrade migrates the schema.
# Also run outside Docker by scripts/prod-shape.sh (SCHEMA_DIR = the schema files of the server module; no nc
# there, and PostgreSQL is known to be up).
# Env: POSTGRES_SEEDS, DB_PORT, POSTGRES_USER, SQL_PASSWORD (read by temporal-sql-tool),
#      DBNAME (temporal), VISIBILITY_DBNAME (temporal_visibility), APP_DBNAME (haravan_tiki).
set -eu

: "${POSTGRES_SEEDS:=postgresql}"
: "${DB_PORT:=5432}"
: "${POSTGRES_USER:?POSTGRES_USER is required}"
: "${SQL_PASSWORD:?SQL_PASSWORD is required}"
: "${DBNAME:=temporal}"
: "${VISIBILITY_DBNAME:=temporal_visibility}"
: "${APP_DBNAME:=haravan_tiki}"
SCHEMA_DIR="${SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"

echo "waiting for PostgreSQL at ${POSTGRES_SEEDS}:${DB_PORT}"
i=0
until ! command -v nc >/dev/null 2>&1 || nc -z -w 5 "$POSTGRES_SEEDS" "$DB_PORT"; do
  i=$((i + 1))
  [ "$i" -lt 60 ] || { echo "PostgreSQL did not come up" >&2; exit 1; }
  sleep 2
done

sql() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"; }

echo "schema: $DBNAME"
sql --db "$DBNAME" create
sql --db "$DBNAME" setup-schema -v 0.0
sql --db "$DBNAME" update-schema -d "$SCHEMA_DIR/temporal/versioned"

echo "schema: $VISIBILITY_DBNAME"
sql --db "$VISIBILITY_DBNAME" create
sql --db "$VISIBILITY_DBNAME" setup-schema -v 0.0
sql --db "$VISIBILITY_DBNAME" update-schema -d "$SCHEMA_DIR/visibility/versioned"

# The app database normally comes from deploy/postgres/initdb on a fresh volume; make sure it exists
# on older volumes too (the app creates its own tables).
echo "database: $APP_DBNAME"
sql --db "$APP_DBNAME" create

echo "Temporal schemas are up to date"
