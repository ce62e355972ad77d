"""Two indexes the monitoring pages need at DESIGN §10's scale (``benchmarks/bench_portfolio.py``, issue 14 item 6).

- Memberships by organisation with their consortium: the portfolio search's "a member has it in its name or USCC"
  (``monitoring.selectors.search``) reads the consortia of the organisations found. With the foreign key's index
  alone PostgreSQL hashed all 60,000 memberships for it (11 of the 16 ms of a searched list's count); from this one
  it reads the few it needs, index-only.
- The consortia reviewers see (submitted: ``ConsortiumQuerySet.visible_to``), with the columns the dashboard counts
  by (``monitoring.dashboard``): each of its aggregates read the whole table (8 MB at 10,000 consortia) and reads this
  index instead (under 1 MB). On SQLite, which has no INCLUDE, the same columns as keys.
"""

from django.db import migrations

MEMBERS = (
    "CREATE INDEX IF NOT EXISTS monitoring_membership_organisation ON consortia_membership "
    "(organisation_id, consortium_id)"
)
COUNTED = {
    "postgresql": (
        "CREATE INDEX IF NOT EXISTS monitoring_consortium_counted ON consortia_consortium (status) "
        "INCLUDE (id, field_id, lead_organisation_id, filed_on, technology_kinds) WHERE submitted_at IS NOT NULL"
    ),
    "sqlite": (
        "CREATE INDEX IF NOT EXISTS monitoring_consortium_counted ON consortia_consortium "
        "(status, field_id, lead_organisation_id, filed_on, id, technology_kinds) WHERE submitted_at IS NOT NULL"
    ),
}


def create_indexes(apps, schema_editor):
    schema_editor.execute(MEMBERS)
    if schema_editor.connection.vendor in COUNTED:
        schema_editor.execute(COUNTED[schema_editor.connection.vendor])


def drop_indexes(apps, schema_editor):
    for name in ("monitoring_membership_organisation", "monitoring_consortium_counted"):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0002_portfolio_search_trigrams"),
        ("consortia", "0008_change_records"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
