"""Writing many rows' own values in one statement.

Django's `bulk_update` builds a `CASE WHEN pk = … THEN …` expression per field with a branch per
object, resolved and compiled in Python: for a tick's batch of 200 deadlines and six fields that
is thousands of expression objects, costing more than the write itself. Here the values travel
as one VALUES list joined on the primary key, prepared once per value.
"""

from __future__ import annotations

from django.db import connections, router

# Well under SQLite's 32,766 and PostgreSQL's 65,535 parameters per statement.
MAX_PARAMETERS = 30_000


def update_each(objects, fields):
    """Write `fields` of each of `objects` (one model, saved rows) as they are on the objects; no
    `save()` signals or `auto_now`, as with `bulk_update`."""
    objects = list(objects)
    if not objects:
        return
    model = type(objects[0])
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    quote = connection.ops.quote_name
    # PostgreSQL types a VALUES column from its untyped parameters as text; SQLite has no such types.
    typed = connection.vendor == "postgresql"
    row = (
        "("
        + ", ".join(f"CAST(%s AS {column.db_type(connection)})" if typed else "%s" for column in columns)
        + ")"
    )
    names = ", ".join(quote(column.column) for column in columns)
    assignments = ", ".join(f"{quote(column.column)} = v.{quote(column.column)}" for column in columns[1:])
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    per_statement = MAX_PARAMETERS // len(columns)
    with connection.cursor() as cursor:
        for start in range(0, len(objects), per_statement):
            chunk = objects[start : start + per_statement]
            params = [
                column.get_db_prep_save(getattr(obj, column.attname), connection)
                for obj in chunk
                for column in columns
            ]
            cursor.execute(
                f"WITH v ({names}) AS (VALUES {', '.join([row] * len(chunk))}) "
                f"UPDATE {table} SET {assignments} FROM v WHERE {table}.{pk} = v.{pk}",
                params,
            )
