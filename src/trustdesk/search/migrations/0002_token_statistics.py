"""PostgreSQL: finer statistics on the index's tokens. With the default sample the
planner guessed a common word at a fiftieth of its rows and hashed every match instead
of walking the queue and probing each ticket (docs/search.md). SQLite has no such
setting and needs none."""

from django.db import migrations


def more_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE search_term ALTER COLUMN token SET STATISTICS 2000")


def default_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE search_term ALTER COLUMN token SET STATISTICS -1")


class Migration(migrations.Migration):

    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(more_statistics, default_statistics)]
