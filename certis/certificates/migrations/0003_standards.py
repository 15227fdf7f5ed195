"""Load the standards of ``seed/standards.csv`` into the Standard table.

Idempotent: each row is created or updated by its code's comparison key, so running it again (or over a table
that already holds some of the codes, in any width or spacing) adds nothing twice. Historical models do not
run ``Standard.save()``, so the key is computed here with ``number_key``. Going back leaves the rows: a
certificate may already name them.
"""

import csv
from pathlib import Path

from django.db import migrations

SEED = Path(__file__).resolve().parent.parent / "seed" / "standards.csv"


def seed_rows():
    with SEED.open(encoding="utf-8", newline="") as file:
        lines = [line for line in file if not line.startswith("#")]
    return list(csv.DictReader(lines))


def load_standards(apps, schema_editor):
    from certis.certificates.models import number_key

    Standard = apps.get_model("certificates", "Standard")
    for row in seed_rows():
        code = row["code"].strip()
        Standard.objects.update_or_create(
            code_key=number_key(code),
            defaults={
                "code": code,
                "title": row["title"].strip(),
                "schemes": [scheme for scheme in row["schemes"].split("|") if scheme],
                "replaced_by": (row.get("replaced_by") or "").strip(),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("certificates", "0002_search_indexes")]

    operations = [migrations.RunPython(load_standards, migrations.RunPython.noop, elidable=False)]
