#!/bin/sh
# Runs once, when the PostgreSQL volume is first created: the application's role and
# database, and the keystore's own role and database (wrapped data keys live outside
# the application database; docs/vault.md). Passwords come from deploy/postgres.env (deploy/make_secrets.sh).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE trustdesk LOGIN PASSWORD '${TRUSTDESK_DB_PASSWORD}';
CREATE DATABASE trustdesk OWNER trustdesk;
CREATE ROLE trustdesk_keys LOGIN PASSWORD '${TRUSTDESK_KEYS_DB_PASSWORD}';
CREATE DATABASE trustdesk_keys OWNER trustdesk_keys;
REVOKE CONNECT ON DATABASE trustdesk_keys FROM PUBLIC;
REVOKE CONNECT ON DATABASE trustdesk FROM PUBLIC;
SQL
