"""Trigram indexes for the public search by any part of a holder's name, a product or a model, on PostgreSQL.

Names are matched on their search key (simplified script, half-width, case-folded, without spaces,
punctuation or brackets) with ``LIKE '%…%'``, which pg_trgm's GIN indexes serve. SQLite has nothing of the
kind: there the migration does nothing. Not in the models' Meta, so that makemigrations leaves SQLite alone.
"""

from django.db import migrations

INDEXES = [
    ("holder_name_key_trgm", "certificates_holder", "name_key"),
    ("certificate_product_key_trgm", "certificates_certificate", "product_key"),
    ("certificate_models_key_trgm", "certificates_certificate", "product_models_key"),
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
    dependencies = [("certificates", "0001_initial")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
