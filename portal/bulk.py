"""``INSERT … SELECT`` built from ORM querysets, for the daily jobs.

A job that expires 2,000 consortia writes 2,000 workflow events, 2,000 audit events and a notification per consortium
and recipient. ``bulk_create`` sends those rows from Python in batches, and on SQLite Django caps a batch at 999
parameters (about a hundred rows), so its query count grows with the rows. Here the database copies the rows from a
SELECT that the ORM compiles (joins, filters and expressions stay portable between SQLite and PostgreSQL): one
statement per target table, whatever the number of rows, and no rows travel through Python.
"""

import re

from django.db import connections
from django.db.models import CharField, Expression, F, Model, QuerySet, Value
from django.db.models.constants import OnConflict
from django.db.models.functions import Cast, Concat
from django.urls import reverse

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def insert_from_select(
    model: type[Model], columns: dict[str, Expression], source: QuerySet, *, ignore_conflicts: bool = False
) -> int:
    """Insert one ``model`` row per row of ``source``; ``columns`` maps each field of ``model`` to an expression over
    ``source``. Fields left out must be nullable. With ``ignore_conflicts`` a row that would break a unique constraint
    is skipped (the constraint decides, not a check before the insert). Returns the number of rows inserted."""
    connection = connections[source.db]
    aliases = {f"insert_column_{position}": expression for position, expression in enumerate(columns.values())}
    select = source.order_by().annotate(**aliases).values_list(*aliases)
    select_sql, params = select.query.sql_with_params()
    quote = connection.ops.quote_name
    targets = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    fields = [model._meta.get_field(name) for name in columns]
    statement = " ".join(
        part
        for part in (
            connection.ops.insert_statement(on_conflict=on_conflict),
            f"{quote(model._meta.db_table)} ({targets})",
            select_sql,
            connection.ops.on_conflict_suffix_sql(fields, on_conflict, None, None),
        )
        if part
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def text(template: str, **values) -> Expression:
    """A translated message with ``%(name)s`` placeholders as an SQL expression: each placeholder is filled from
    ``values`` (an expression over the source rows, or a plain value that is the same for every row)."""
    parts: list[Expression] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        if match.start() > position:
            parts.append(Value(template[position : match.start()].replace("%%", "%")))
        value = values[match.group(1)]
        parts.append(value if isinstance(value, Expression | F) else Value(str(value)))
        position = match.end()
    if position < len(template):
        parts.append(Value(template[position:].replace("%%", "%")))
    if not parts:
        return Value("")
    if len(parts) == 1:
        return parts[0] if not isinstance(parts[0], F) else Cast(parts[0], CharField())
    return Concat(*parts, output_field=CharField())


def as_text(expression) -> Expression:
    return Cast(expression, CharField())


# Reversed with a number no consortium has, then split around it: the link of every row is prefix + pk + suffix.
_SENTINEL = 987654321


def link(viewname: str, pk: Expression) -> Expression:
    """The URL of ``viewname`` for the object ``pk`` of each row, e.g. ``/filings/42/``."""
    prefix, suffix = reverse(viewname, kwargs={"pk": _SENTINEL}).split(str(_SENTINEL))
    return Concat(Value(prefix), as_text(pk), Value(suffix), output_field=CharField())
