"""Trigram indexes for searching the registers by any part of a name or number, on PostgreSQL only.

Names are searched on their comparison key (``name_key``: simplified script, half-width, no spaces, case
folded) with ``LIKE '%…%'``; pg_trgm's GIN indexes serve such patterns (CJK characters make trigrams too).
SQLite, the embedded default, has nothing of the kind: there the migration does nothing. The indexes are
not in the models' Meta so that ``makemigrations`` does not try to make them on SQLite.
"""

from django.db import migrations

INDEXES = [
    ("body_name_key_trgm", "bodies_body", "name_key"),
    ("body_number_trgm", "bodies_body", "number"),
    ("person_name_key_trgm", "bodies_person", "name_key"),
    ("person_registration_trgm", "bodies_person", "registration_number"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("bodies", "0003_holidays_2026_2027")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
