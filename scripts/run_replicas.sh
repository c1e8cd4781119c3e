#!/usr/bin/env bash
# The production topology on one machine, without Docker: PostgreSQL (the application
# database and a separate keystore database), Redis, one `trustdesk migrate`, then
# REPLICAS `trustdesk serve --no-migrate` processes on consecutive ports and WORKERS
# `trustdesk worker` processes. Put your TLS proxy in front of the ports (docs/deploy.md).
#
#   scripts/run_replicas.sh            start, wait until every replica is ready, keep
#                                      running until Ctrl+C (which stops them all)
#   scripts/run_replicas.sh --check    start, wait until every replica is ready, stop
#
# Settings (environment; defaults in brackets):
#   PG_URL       PostgreSQL server, without a database [postgres://postgres@127.0.0.1:5432]
#   DB_NAME      application database [trustdesk]; KEYS_DB_NAME keystore database [DB_NAME_keys]
#   REDIS_URL    [redis://127.0.0.1:6379/0]
#   REPLICAS [2]  FIRST_PORT [8001]  WORKERS [1]  HOST [127.0.0.1]
#   RUN_DIR      logs, process ids and the shared data directory [./var/replicas]
#   TRUSTDESK    the trustdesk command [.venv/bin/trustdesk]
# Secrets (the secret key, the audit signing key, the metrics token) are generated once
# into RUN_DIR/secrets.env (0600); the KEK is the key file in RUN_DIR/data (0600). Any
# TRUSTDESK_* variable already set in the environment is passed through unchanged.
set -euo pipefail

CHECK=0
[[ "${1:-}" == "--check" ]] && CHECK=1
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
DB_NAME=${DB_NAME:-trustdesk}
KEYS_DB_NAME=${KEYS_DB_NAME:-${DB_NAME}_keys}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
REPLICAS=${REPLICAS:-2}
FIRST_PORT=${FIRST_PORT:-8001}
WORKERS=${WORKERS:-1}
HOST=${HOST:-127.0.0.1}
RUN_DIR=${RUN_DIR:-./var/replicas}
TRUSTDESK=${TRUSTDESK:-.venv/bin/trustdesk}
PYTHON=$(dirname "$TRUSTDESK")/python

say() { printf 'run_replicas: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[[ -x "$TRUSTDESK" ]] || die "$TRUSTDESK not found: run 'make .venv/.installed' first"
mkdir -p "$RUN_DIR/logs"
chmod 700 "$RUN_DIR"
RUN_DIR=$(cd "$RUN_DIR" && pwd)

# --- PostgreSQL: both databases exist --------------------------------------------------
"$PYTHON" - "$PG_URL" "$DB_NAME" "$KEYS_DB_NAME" <<'EOF' || die "PostgreSQL at $PG_URL is not reachable"
import sys
import psycopg
from psycopg import sql
server, *names = sys.argv[1:]
with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5) as conn:
    for name in names:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"run_replicas: created database {name}", file=sys.stderr)
EOF

# --- Redis answers ---------------------------------------------------------------------
"$PYTHON" -c "import redis,sys; redis.Redis.from_url(sys.argv[1], socket_timeout=3).ping()" \
    "$REDIS_URL" || die "Redis at $REDIS_URL is not reachable"

# --- Secrets, generated once -----------------------------------------------------------
SECRETS="$RUN_DIR/secrets.env"
if [[ ! -f "$SECRETS" ]]; then
    (umask 077 && "$PYTHON" - > "$SECRETS" <<'EOF'
import base64, os, secrets
print(f"TRUSTDESK_SECRET_KEY={secrets.token_urlsafe(64)}")
print(f"TRUSTDESK_AUDIT_SIGNING_KEY={base64.b64encode(os.urandom(32)).decode()}")
print(f"TRUSTDESK_METRICS_TOKEN={secrets.token_urlsafe(32)}")
EOF
    )
    say "generated $SECRETS"
fi
set -a
# shellcheck disable=SC1090
. "$SECRETS"
set +a

export TRUSTDESK_ENV=${TRUSTDESK_ENV:-production}
export TRUSTDESK_DATA_DIR=${TRUSTDESK_DATA_DIR:-$RUN_DIR/data}
export TRUSTDESK_DATABASE_URL=${TRUSTDESK_DATABASE_URL:-$PG_URL/$DB_NAME}
export TRUSTDESK_KEYSTORE_URL=${TRUSTDESK_KEYSTORE_URL:-$PG_URL/$KEYS_DB_NAME}
export TRUSTDESK_REDIS_URL=${TRUSTDESK_REDIS_URL:-$REDIS_URL}
export TRUSTDESK_ALLOWED_HOSTS=${TRUSTDESK_ALLOWED_HOSTS:-localhost,127.0.0.1}
# The replicas speak plain HTTP on $HOST; TLS is the proxy's (docs/deploy.md).
export TRUSTDESK_SSL_REDIRECT=${TRUSTDESK_SSL_REDIRECT:-0}
export TRUSTDESK_BEHIND_PROXY=${TRUSTDESK_BEHIND_PROXY:-1}

# --- Migrate once, before any replica starts -------------------------------------------
say "migrating $DB_NAME"
"$TRUSTDESK" migrate --no-input > "$RUN_DIR/logs/migrate.log" 2>&1 \
    || { cat "$RUN_DIR/logs/migrate.log" >&2; die "trustdesk migrate failed"; }

PIDS=()
stop() {
    trap - INT TERM EXIT
    if ((${#PIDS[@]})); then
        say "stopping ${#PIDS[@]} processes"
        kill -TERM "${PIDS[@]}" 2>/dev/null || true
        wait "${PIDS[@]}" 2>/dev/null || true
    fi
    rm -f "$RUN_DIR/pids"
}
trap stop INT TERM EXIT

# --- Replicas --------------------------------------------------------------------------
PORTS=()
for ((i = 0; i < REPLICAS; i++)); do
    port=$((FIRST_PORT + i))
    "$TRUSTDESK" serve --host "$HOST" --port "$port" --no-migrate \
        > "$RUN_DIR/logs/app-$port.log" 2>&1 &
    PIDS+=($!)
    PORTS+=("$port")
    say "replica $((i + 1)) on http://$HOST:$port/ (pid $!, log $RUN_DIR/logs/app-$port.log)"
done

# --- Workers ---------------------------------------------------------------------------
for ((i = 1; i <= WORKERS; i++)); do
    "$TRUSTDESK" worker > "$RUN_DIR/logs/worker-$i.log" 2>&1 &
    PIDS+=($!)
    say "worker $i (pid $!, log $RUN_DIR/logs/worker-$i.log)"
done
printf '%s\n' "${PIDS[@]}" > "$RUN_DIR/pids"

# --- Ready? ----------------------------------------------------------------------------
for port in "${PORTS[@]}"; do
    ready=0
    for _ in $(seq 1 120); do
        if "$PYTHON" - "$HOST" "$port" <<'EOF' 2>/dev/null; then ready=1; break; fi
import sys, urllib.request
host, port = sys.argv[1], sys.argv[2]
with urllib.request.urlopen(f"http://{host}:{port}/readyz", timeout=3) as r:
    sys.exit(0 if r.status == 200 else 1)
EOF
        for pid in "${PIDS[@]}"; do
            kill -0 "$pid" 2>/dev/null || die "process $pid exited; see $RUN_DIR/logs"
        done
        sleep 0.5
    done
    ((ready)) || die "replica on port $port is not ready after 60 s; see $RUN_DIR/logs"
    say "replica on port $port is ready"
done
say "metrics: curl -H \"Authorization: Bearer \$TRUSTDESK_METRICS_TOKEN\"" \
    "http://$HOST:${PORTS[0]}/metrics (token in $SECRETS)"

if ((CHECK)); then
    say "all $REPLICAS replicas ready; stopping (--check)"
    exit 0
fi
say "running; Ctrl+C stops everything"
wait -n "${PIDS[@]}" || true
die "a process exited; stopping the others (see $RUN_DIR/logs)"
