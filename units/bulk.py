"""Writing many new rows fast: PostgreSQL's COPY, multi-row INSERTs elsewhere.

For the few places that write thousands of rows at once (the score recompute, the survey
import). The ORM's bulk_create prepares and compiles every value of every instance and sends
them as statement parameters, which is most of the time at that volume; COPY streams the
rows as text. The values given here must already be what the columns store.
"""

from __future__ import annotations

import csv
import io

from django.db import transaction

INSERT_BATCH = 500  # rows per INSERT where COPY is not available (fewer where capped)


PLAIN = (str, int, bool)  # what every field's preparation passes through unchanged


def prepared(instance, fields, connection) -> tuple:
    """An unsaved instance's column values as the ORM would insert them (``pre_save``
    fills auto_now_add and the like). Plain strings and numbers skip the field's preparation,
    which would return them as they are: most of the cost of preparing a row."""
    values = []
    for f in fields:
        value = f.pre_save(instance, True)
        if value is not None and type(value) not in PLAIN:
            value = f.get_db_prep_save(value, connection)
        values.append(value)
    return tuple(values)


def insert_rows(model, fields, rows) -> None:
    """Insert ``rows`` (tuples in ``fields`` order) into ``model``'s table. No primary keys
    come back: callers that need the new rows read them by a natural key."""
    rows = list(rows)
    if not rows:
        return
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # CSV written by the csv module (C): strings quoted, numbers and NULL not, so a
            # string reading \N stays a string.
            buffer = io.StringIO()
            csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerows(
                tuple(NULL if value is None else value for value in row) for row in rows
            )
            buffer.seek(0)
            with connection.wrap_database_errors:  # Django's exceptions, as for execute()
                cursor.copy_expert(
                    f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
                )
            return
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        size = max(1, min(INSERT_BATCH, connection.ops.bulk_batch_size(fields, rows)))
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([one] * len(chunk)),
                [value for row in chunk for value in row],
            )


class _Null:
    """None in the CSV: written unquoted as \\N (the csv module counts it as a number)."""

    def __float__(self):  # pragma: no cover - only its presence matters to the csv module
        return 0.0

    def __str__(self):
        return "\\N"


NULL = _Null()
