"""The table of known standards: adding one, and the seed it starts from.

A certificate may name only a standard in this table (``rules.check_row``), so a new edition is added here
before bodies report certificates under it. The seed (``seed/standards.csv``) is loaded by migration
``0003_standards``; :func:`add_missing_seed_standards` puts back seed rows missing from the table (the demo
calls it, as tests that empty the database leave the table bare).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from certis.accounts.models import Actor
from certis.audit.models import EventType
from certis.audit.services import record
from certis.bodies.models import Scheme
from certis.certificates.models import Standard, number_key
from certis.core.text import squash_spaces, tidy

SEED = Path(__file__).resolve().parent.parent / "seed" / "standards.csv"


@dataclass(frozen=True)
class SeedStandard:
    code: str
    title: str
    schemes: list[str]
    source: str
    replaced_by: str


def read_seed(path: Path = SEED) -> list[SeedStandard]:
    """The rows of the seed file; lines starting with ``#`` are comments."""
    with path.open(encoding="utf-8", newline="") as file:
        lines = [line for line in file if not line.startswith("#")]
    return [
        SeedStandard(
            code=row["code"].strip(),
            title=row["title"].strip(),
            schemes=[s for s in row["schemes"].split("|") if s],
            source=row["source"].strip(),
            replaced_by=(row.get("replaced_by") or "").strip(),
        )
        for row in csv.DictReader(lines)
    ]


@transaction.atomic
def add_standard(
    *, acting_user: Actor, code: str, title: str, schemes: list[str], replaced_by: str = ""
) -> Standard:
    """Add a standard with its edition; a code already known (in any width or spacing) is refused."""
    code, title = squash_spaces(code), tidy(title)  # the title keeps its full-width punctuation
    if not code:
        raise ValidationError({"code": _("Give the standard's code with its edition.")})
    if not title:
        raise ValidationError({"title": _("Give the standard's title.")})
    unknown = sorted(set(schemes) - set(Scheme.values))
    if unknown:
        raise ValidationError(
            {"schemes": _("%(value)s is not a certification scheme.") % {"value": unknown[0]}}
        )
    if Standard.objects.filter(code_key=number_key(code)).exists():
        raise ValidationError({"code": _("%(code)s is already a known standard.") % {"code": code}})
    standard = Standard.objects.create(
        code=code, title=title, schemes=list(dict.fromkeys(schemes)), replaced_by=squash_spaces(replaced_by)
    )
    record(
        EventType.STANDARD_ADDED,
        actor=acting_user,
        target=standard,
        data={"code": standard.code, "schemes": standard.schemes},
    )
    return standard


@transaction.atomic
def add_missing_seed_standards(*, acting_user: Actor) -> int:
    """Add the seed's standards the table lacks; returns how many. Known codes are left as they are."""
    known = set(Standard.objects.values_list("code_key", flat=True))
    added = 0
    for row in read_seed():
        if number_key(row.code) not in known:
            add_standard(
                acting_user=acting_user,
                code=row.code,
                title=row.title,
                schemes=row.schemes,
                replaced_by=row.replaced_by,
            )
            added += 1
    return added
