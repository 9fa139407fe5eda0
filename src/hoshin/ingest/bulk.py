"""Set-based writes of many rows: COPY on PostgreSQL, one prepared statement for all rows elsewhere.

Django's `bulk_create` builds a model instance per row, which costs more
than the insert itself for the million-row files this module is written
for. These helpers take an iterable of plain tuples, consumed once, and run
inside the caller's transaction.
"""

from collections.abc import Iterable, Iterator
from itertools import islice

from django.db import connection

# Django's SQLite cursor keeps every row of one executemany call in memory
# (it peeks at the first row through itertools.tee), so rows go in batches.
BATCH_ROWS = 50_000


def _batches(rows: Iterable[tuple]) -> Iterator[list[tuple]]:
    iterator = iter(rows)
    return iter(lambda: list(islice(iterator, BATCH_ROWS)), [])


def insert_rows(table: str, columns: list[str], rows: Iterable[tuple]) -> None:
    quoted_table = connection.ops.quote_name(table)
    quoted_columns = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {quoted_table} ({quoted_columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(columns))
        statement = f"INSERT INTO {quoted_table} ({quoted_columns}) VALUES ({placeholders})"
        for batch in _batches(rows):
            cursor.executemany(statement, batch)


def update_rows(table: str, columns: list[str], rows: Iterable[tuple], key: str = "id") -> None:
    """Set `columns` on the rows whose `key` is the last item of each tuple."""
    assignments = ", ".join(f"{connection.ops.quote_name(column)} = %s" for column in columns)
    statement = f"UPDATE {connection.ops.quote_name(table)} SET {assignments} WHERE {connection.ops.quote_name(key)} = %s"
    with connection.cursor() as cursor:
        for batch in _batches(rows):
            cursor.executemany(statement, batch)
