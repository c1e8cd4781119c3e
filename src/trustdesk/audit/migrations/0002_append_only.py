"""On PostgreSQL, the audit tables refuse UPDATE and DELETE from anyone, the application
included; only pruning past the one-year floor may delete (see docs/audit.md)."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION trustdesk_audit_append_only() RETURNS trigger AS $$
BEGIN
    -- Nested, because plpgsql resolves OLD's fields per table only in the branch taken.
    IF TG_OP = 'DELETE' THEN
        IF TG_TABLE_NAME = 'audit_auditevent' THEN
            IF OLD.at < now() - interval '365 days' THEN
                RETURN OLD;
            END IF;
        ELSIF TG_TABLE_NAME = 'audit_auditchainlink' THEN
            IF EXISTS (SELECT 1 FROM audit_auditcheckpoint c
                       WHERE c.seq >= OLD.seq AND c.at < now() - interval '365 days') THEN
                RETURN OLD;
            END IF;
        END IF;
    END IF;
    RAISE EXCEPTION 'the TrustDesk audit trail is append-only: % on % refused',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""
TABLES = ("audit_auditevent", "audit_auditchainlink", "audit_auditcheckpoint")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # the % signs are plpgsql formats
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION trustdesk_audit_append_only()")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS trustdesk_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
