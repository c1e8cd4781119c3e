#!/bin/sh
# Writes the two secrets files compose.yaml reads, once, mode 0600, every value random:
#   deploy/postgres.env   the database server's superuser and the two roles' passwords
#   deploy/trustdesk.env  what the replicas and workers need: database and keystore URLs
#                         (with their passwords), the secret key, the KEK, the audit
#                         signing key and the metrics token
# Keep a copy of trustdesk.env somewhere safe and apart from the database backups
# (docs/deploy.md, "Where each key lives").
set -eu
dir="$(cd "$(dirname "$0")" && pwd)"
for f in postgres.env trustdesk.env; do
    [ -e "$dir/$f" ] && { echo "$dir/$f exists; not overwriting" >&2; exit 1; }
done
umask 077
python3 - "$dir" <<'PY'
import base64, os, secrets, sys
d = sys.argv[1]
b64 = lambda: base64.b64encode(os.urandom(32)).decode()
app, keys = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
with open(f"{d}/postgres.env", "w") as f:
    f.write(f"POSTGRES_PASSWORD={secrets.token_urlsafe(24)}\n"
            f"TRUSTDESK_DB_PASSWORD={app}\nTRUSTDESK_KEYS_DB_PASSWORD={keys}\n")
with open(f"{d}/trustdesk.env", "w") as f:
    f.write(f"TRUSTDESK_DATABASE_URL=postgres://trustdesk:{app}@postgres:5432/trustdesk\n"
            f"TRUSTDESK_KEYSTORE_URL=postgres://trustdesk_keys:{keys}@postgres:5432/trustdesk_keys\n"
            f"TRUSTDESK_SECRET_KEY={secrets.token_urlsafe(64)}\n"
            f"TRUSTDESK_KEK={b64()}\n"
            f"TRUSTDESK_AUDIT_SIGNING_KEY={b64()}\n"
            f"TRUSTDESK_METRICS_TOKEN={secrets.token_urlsafe(32)}\n")
PY
echo "wrote $dir/postgres.env and $dir/trustdesk.env" >&2
