"""PostgreSQL: a CHECK constraint refuses any event row whose indexed columns disagree
with its body, for every INSERT and UPDATE by anyone (disabling triggers does not lift
it). ``audit verify`` confirms the constraint is intact and, if it is not, compares the
columns row by row instead. The expression is frozen here; ``sql.body_check()`` must
produce the same (tests/audit/test_encoding.py checks)."""

from django.db import migrations

NAME = "audit_event_body_matches_columns"
CHECK = (
    "(substring(body FROM 1 FOR 1) = '\\x5b'::bytea OR position(convert_to('2' || E'\\t' || "
    "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || E'\\t' || actor_label || "
    "E'\\t' || coalesce(actor_user_id::text, '') || E'\\t' || action || E'\\t' || "
    "object_type || E'\\t' || object_id || E'\\t' || customer || E'\\t' || outcome || "
    "E'\\t', 'UTF8') IN body) = 1)"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE audit_auditevent ADD CONSTRAINT {NAME} "
                              f"CHECK {CHECK}", params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE audit_auditevent DROP CONSTRAINT {NAME}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_event_body")]
    operations = [migrations.RunPython(forwards, backwards)]
