"""Trigram indexes for the portfolio list's text search (``monitoring.selectors.search``), on PostgreSQL only: SQLite
runs the same filter without them.

The search is ``icontains`` on names and filing numbers, which Django writes as ``UPPER(col::text) LIKE UPPER(%s)``:
the indexes are on that expression, so that the planner can use them. A part of a USCC is searched as stored (upper
case, ``contains``): its index is on the column; a whole one uses the unique index the column already has.
"""

from django.db import migrations

INDEXES = {
    "monitoring_org_name_trgm": ("portal_organisation", "UPPER(name::text)"),
    "monitoring_org_uscc_trgm": ("portal_organisation", "uscc"),
    "monitoring_consortium_name_trgm": ("consortia_consortium", "UPPER(name::text)"),
    "monitoring_filing_number_trgm": ("consortia_consortium", "UPPER(filing_number::text)"),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, expression) in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression}) gin_trgm_ops)")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other indexes or queries may use it.
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0001_export_jobs"),
        ("portal", "0004_notification_work"),
        ("consortia", "0008_change_records"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
