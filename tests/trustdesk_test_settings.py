"""Test settings: TrustDesk's own settings module, pointed at a throw-away data directory
and at PostgreSQL when ``TRUSTDESK_TEST_DATABASE_URL`` is set (SQLite otherwise)."""

import os
import tempfile

os.environ["TRUSTDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="trustdesk-test-")
os.environ["TRUSTDESK_ENV"] = "development"
os.environ.pop("TRUSTDESK_SECRET_KEY", None)
if url := os.environ.get("TRUSTDESK_TEST_DATABASE_URL"):
    os.environ["TRUSTDESK_DATABASE_URL"] = url
else:
    os.environ.pop("TRUSTDESK_DATABASE_URL", None)

from trustdesk.config.settings import *  # noqa: F403
from trustdesk.config.settings import DATA_DIR, DATABASES

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not :memory:, so that live servers and parallel processes share it.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}

# Still Argon2id, with a small cost so the suite does not spend minutes hashing.
PASSWORD_HASHERS = ["hashers.FastArgon2PasswordHasher"]
