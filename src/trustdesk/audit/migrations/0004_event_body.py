"""Events keep their canonical encoding as ``body``, the record of truth; the values
nobody filters on live only there, and a ``customer`` column indexes whose data an event
concerns.

Existing events keep their version-1 encoding (a JSON array) as their body, so their
MACs and the chain over them stay valid; ``audit verify`` reads both versions. On
PostgreSQL the append-only trigger is suspended for the one UPDATE that fills the new
columns, inside this migration's transaction.
"""

import datetime as dt
import json

from django.db import migrations, models

_TRIGGER = "audit_auditevent_append_only"


def _iso(value):
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _version_1(event) -> bytes:
    """The encoding these events' MACs were computed over (frozen here on purpose)."""
    values = [event.uid.hex, _iso(event.at), event.actor_kind, event.actor_label,
              event.actor_user_id, event.token_id, event.action, event.object_type,
              event.object_id, event.fields, event.outcome, event.reason,
              None if event.ip is None else str(event.ip), event.user_agent, event.session,
              event.context]
    return json.dumps(values, separators=(",", ":"), sort_keys=True,
                      ensure_ascii=False).encode()


def _customer(event) -> str:
    if event.object_type == "customer":
        return event.object_id
    context = event.context
    return str(context.get("customer", "")) if isinstance(context, dict) else ""


def forwards(apps, schema_editor):
    event_model = apps.get_model("audit", "AuditEvent")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(f"ALTER TABLE audit_auditevent DISABLE TRIGGER {_TRIGGER}")
    for event in event_model.objects.order_by("id").iterator(chunk_size=2000):
        event_model.objects.filter(pk=event.pk).update(body=_version_1(event),
                                                      customer=_customer(event))
    if postgres:
        schema_editor.execute(f"ALTER TABLE audit_auditevent ENABLE TRIGGER {_TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_alter_auditverification_at")]
    operations = [
        migrations.AddField("auditevent", "body", models.BinaryField(default=b""),
                            preserve_default=False),
        migrations.AddField("auditevent", "customer",
                            models.CharField(blank=True, db_index=True, default="",
                                             max_length=64),
                            preserve_default=False),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        *(migrations.RemoveField("auditevent", name) for name in (
            "uid", "actor_kind", "token_id", "fields", "reason", "ip", "user_agent",
            "session", "context")),
        migrations.AlterField("auditevent", "object_id",
                              models.CharField(blank=True, max_length=64)),
    ]
