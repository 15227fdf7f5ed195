"""The rules a reported certificate must meet, shared by the form, the API and the bulk importer.

:func:`check_row` takes one report as it arrived (strings from a form, CSV or JSON; dates and numbers from
Excel cells) and returns either the cleaned values or every problem found, each naming its field, a reason
code and a message in the user's language. What the rules need from the database (the body's scope, the
standards, the body's signatories, its closed certificates) is loaded once per body into a
:class:`ReportContext`, so that a file of a million rows is checked without a query per row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from certis.bodies.models import Body, Employment, Person, Qualification, Scheme, ScopeEntry
from certis.certificates import lifecycle
from certis.certificates.models import Certificate, Standard, number_key
from certis.certificates.schemes import FIELDS, required_fields
from certis.core.identifiers import clean_uscc
from certis.core.text import squash_spaces, tidy

MAX_LENGTHS = {
    "number": 64,
    "holder_name": 200,
    "holder_address": 300,
    "product": 200,
    "product_code": 16,
    "trademark": 200,
    "manufacturer": 200,
    "factory": 300,
    "mode": 200,
}
DATE_FIELDS = ("first_issued_on", "issued_on", "expires_on")
_LIST_SPLIT = re.compile(r"[;；\n]+")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_SCHEME_NAMES: dict[str, str] = {}
_SCHEME_CODES = frozenset(Scheme.values)


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem with one field of one row; ``row`` is the row's number in the file (1 for a form)."""

    row: int
    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "code": self.code, "message": self.message}


@dataclass(slots=True)
class Signatory:
    person_id: int
    name: str
    status: str
    status_since: dt.date | None
    employments: list[tuple[dt.date, dt.date | None]] = field(default_factory=list)
    qualifications: list[tuple[dt.date, dt.date, frozenset[str]]] = field(default_factory=list)

    def employed_on(self, day: dt.date) -> bool:
        return any(start <= day and (end is None or end >= day) for start, end in self.employments)

    def in_good_standing_on(self, day: dt.date, scheme: str) -> bool:
        """Registration not suspended or revoked by that day, and a qualification for the scheme valid then.

        The register keeps a person's current status and the day it took effect: a person suspended since a
        later day was in good standing on the day of signing."""
        if self.status != Person.Status.ACTIVE and (self.status_since is None or self.status_since <= day):
            return False
        return any(start <= day <= end and scheme in schemes for start, end, schemes in self.qualifications)


@dataclass
class ReportContext:
    """What checking a body's reports needs from the database, loaded once."""

    body: Body
    today: dt.date
    scope: dict[str, list[tuple[dt.date | None, dt.date | None]]]
    standards: dict[str, str]
    signatories: dict[str, Signatory]
    closed: dict[str, str]

    @classmethod
    def load(cls, body: Body, today: dt.date | None = None) -> ReportContext:
        scope: dict[str, list[tuple[dt.date | None, dt.date | None]]] = {}
        for scheme, granted, removed in ScopeEntry.objects.filter(body=body).values_list(
            "scheme", "granted_on", "removed_on"
        ):
            scope.setdefault(scheme, []).append((granted, removed))
        standards = dict(Standard.objects.values_list("code_key", "code"))
        standards |= {code: code for code in standards.values()}  # as usually written: found at once
        closed = dict(
            Certificate.objects.filter(body=body, status__in=lifecycle.CLOSED).values_list(
                "number_key", "status"
            )
        )
        return cls(
            body=body,
            today=today or timezone.localdate(),
            scope=scope,
            standards=standards,
            signatories=_signatories(body),
            closed=closed,
        )

    def in_scope(self, scheme: str, day: dt.date) -> bool:
        return any(
            (granted is None or granted <= day) and (removed is None or removed > day)
            for granted, removed in self.scope.get(scheme, [])
        )


def _signatories(body: Body) -> dict[str, Signatory]:
    """Everyone who has ever been employed by the body, with employments and qualifications."""
    people: dict[int, Signatory] = {}
    keys: dict[str, Signatory] = {}
    employed = Person.objects.filter(employments__body=body).distinct()
    for person in employed.only("id", "name", "status", "status_since", "registration_number"):
        signatory = Signatory(person.pk, person.name, person.status, person.status_since)
        people[person.pk] = signatory
        keys[number_key(person.registration_number)] = signatory
        keys[person.registration_number] = signatory  # as usually written: found at once
    for person_id, start, end in Employment.objects.filter(body=body).values_list(
        "person_id", "started_on", "ended_on"
    ):
        people[person_id].employments.append((start, end))
    for person_id, start, end, schemes in Qualification.objects.filter(
        Q(person_id__in=people.keys())
    ).values_list("person_id", "valid_from", "valid_until", "schemes"):
        people[person_id].qualifications.append((start, end, frozenset(schemes or ())))
    return keys


def parse_date(value: Any) -> dt.date | None:
    """A date from an Excel cell or from text (2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日); None if blank.

    Raises ValueError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return _parse_date_text(str(value))


@lru_cache(maxsize=4096)
def _parse_date_text(value: str) -> dt.date:
    """Dates repeat across the rows of a file: each text is read once."""
    match = _DATE.match(squash_spaces(value))
    if not match:
        raise ValueError(value)
    year, month, day = (int(part) for part in match.groups())
    return dt.date(year, month, day)


def split_list(value: Any) -> list[str]:
    """Standards or sites given as one cell: separated by semicolons (either width) or new lines."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [squash_spaces(str(item)) for item in value if str(item).strip()]
    return [part for part in (squash_spaces(p) for p in _LIST_SPLIT.split(str(value))) if part]


def parse_sites(value: Any) -> list[dict[str, str]]:
    """Sites as ``address: scope`` items (a colon of either width), or JSON objects with those keys."""
    if isinstance(value, list) and all(isinstance(item, Mapping) for item in value):
        return [
            {
                "address": squash_spaces(str(s.get("address", ""))),
                "scope": squash_spaces(str(s.get("scope", ""))),
            }
            for s in value
        ]
    sites = []
    for item in split_list(value):
        address, _colon, scope = item.replace("：", ":").partition(":")
        sites.append({"address": address.strip(), "scope": scope.strip()})
    return sites


def scheme_of(value: Any) -> str | None:
    """A scheme from its code (``ccc``) or its name in either language (``强制性产品认证``)."""
    text = squash_spaces(str(value or ""))
    if text in _SCHEME_CODES:
        return text
    if not _SCHEME_NAMES:
        for code, label in Scheme.choices:
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    _SCHEME_NAMES[number_key(str(label))] = code
            _SCHEME_NAMES[number_key(code)] = code
    return _SCHEME_NAMES.get(number_key(text))


# Fields that are codes rather than text: compared and stored half-width.
_CODES = frozenset({"number", "holder_uscc", "product_code", "signatory"})


def _text(raw: Mapping[str, Any], name: str) -> str:
    """A field's text with white space tidied; codes also half-width. Names and addresses keep their widths,
    as they are printed on the certificate."""
    value = raw.get(name)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return squash_spaces(str(value)) if name in _CODES else tidy(str(value))


def check_row(
    raw: Mapping[str, Any], ctx: ReportContext, row: int = 1
) -> tuple[dict[str, Any] | None, list[RowError]]:
    """The cleaned values of one report, or None and every problem with it."""
    errors: list[RowError] = []

    def fail(name: str, code: str, message: str) -> None:
        errors.append(RowError(row, name, code, message))

    scheme = scheme_of(raw.get("scheme"))
    if scheme is None:
        if _text(raw, "scheme"):
            fail(
                "scheme",
                "unknown_scheme",
                _("%(value)s is not a certification scheme.") % {"value": _text(raw, "scheme")},
            )
        else:
            fail("scheme", "missing", _("%(field)s is missing.") % {"field": FIELDS["scheme"]})
        scheme = ""
    values: dict[str, Any] = {name: _text(raw, name) for name in MAX_LENGTHS}
    values["holder_uscc"] = _text(raw, "holder_uscc")
    values["scope"] = _text(raw, "scope")
    values["product_models"] = "; ".join(split_list(raw.get("product_models")))
    values["standards"] = split_list(raw.get("standards"))
    values["sites"] = parse_sites(raw.get("sites"))
    values["scheme"] = scheme
    values["signatory"] = _text(raw, "signatory")
    for name in DATE_FIELDS:
        try:
            values[name] = parse_date(raw.get(name))
        except ValueError:
            values[name] = None
            fail(
                name,
                "bad_date",
                _("%(value)s is not a date (write it as 2026-03-01).") % {"value": raw.get(name)},
            )
    if (
        values["first_issued_on"] is None
        and values["issued_on"] is not None
        and not any(e.field == "first_issued_on" for e in errors)
    ):
        values["first_issued_on"] = values["issued_on"]

    for name in required_fields(scheme) if scheme else ():
        if not values.get(name) and not any(e.field == name for e in errors):
            fail(name, "missing", _("%(field)s is missing.") % {"field": FIELDS[name]})
    for name, limit in MAX_LENGTHS.items():
        if len(values[name]) > limit:
            fail(
                name,
                "too_long",
                _("%(field)s is longer than %(limit)d characters.") % {"field": FIELDS[name], "limit": limit},
            )

    if values["holder_uscc"]:
        uscc, problem = _checked_uscc(values["holder_uscc"], translation.get_language())
        if problem:
            fail("holder_uscc", "bad_uscc", problem)
        else:
            values["holder_uscc"] = uscc
    _check_dates(values, ctx, fail)
    _check_standards(values, ctx, fail)
    if scheme and values["issued_on"] and not ctx.in_scope(scheme, values["issued_on"]):
        fail(
            "scheme",
            "out_of_scope",
            _("The body is not approved for %(scheme)s certification on %(day)s.")
            % {"scheme": Scheme(scheme).label, "day": values["issued_on"]},
        )
    if ctx.body.status != Body.Status.APPROVED:
        fail(
            "scheme",
            "body_not_approved",
            _("%(body)s is %(status)s and may not issue certificates.")
            % {"body": ctx.body.name, "status": ctx.body.get_status_display()},
        )
    _check_signatory(values, ctx, fail)
    if values["number"] and number_key(values["number"]) in ctx.closed:
        fail(
            "number",
            "certificate_closed",
            _("Certificate %(number)s has been withdrawn or cancelled and cannot be reported again.")
            % {"number": values["number"]},
        )
    if errors:
        return None, errors
    return values, []


@lru_cache(maxsize=65_536)
def _checked_uscc(value: str, language: str | None) -> tuple[str, str]:
    """The USCC cleaned, or the message saying what is wrong; a holder's USCC recurs on its certificates.
    (The language is part of the key: the message is in it.)"""
    try:
        return clean_uscc(value), ""
    except ValidationError as error:
        return "", error.messages[0]


def _check_dates(values: dict[str, Any], ctx: ReportContext, fail: Any) -> None:
    first, issued, expires = values["first_issued_on"], values["issued_on"], values["expires_on"]
    if first and issued and first > issued:
        fail("first_issued_on", "dates_out_of_order", _("The first issue date is after the issue date."))
    if issued and expires and expires <= issued:
        fail("expires_on", "dates_out_of_order", _("The expiry date is not after the issue date."))
    if issued and issued > ctx.today:
        fail("issued_on", "issued_in_future", _("The issue date %(day)s is in the future.") % {"day": issued})


def _check_standards(values: dict[str, Any], ctx: ReportContext, fail: Any) -> None:
    codes = []
    for code in values["standards"]:
        known = ctx.standards.get(code) or ctx.standards.get(number_key(code))
        if known is None:
            fail("standards", "unknown_standard", _("%(code)s is not a known standard.") % {"code": code})
        else:
            codes.append(known)
    values["standards"] = codes


def _check_signatory(values: dict[str, Any], ctx: ReportContext, fail: Any) -> None:
    number = values.pop("signatory")
    if not number:
        return
    signatory = ctx.signatories.get(number) or ctx.signatories.get(number_key(number))
    day, scheme = values["issued_on"], values["scheme"]
    if signatory is None:
        fail(
            "signatory",
            "signatory_not_registered",
            _("%(number)s is not the registration number of a person registered with this body.")
            % {"number": number},
        )
    elif day and not signatory.employed_on(day):
        fail(
            "signatory",
            "signatory_not_registered",
            _("%(name)s (%(number)s) did not work for this body on %(day)s.")
            % {"name": signatory.name, "number": number, "day": day},
        )
    elif day and scheme and not signatory.in_good_standing_on(day, scheme):
        fail(
            "signatory",
            "signatory_not_in_good_standing",
            _("%(name)s (%(number)s) was not in good standing for %(scheme)s on %(day)s.")
            % {"name": signatory.name, "number": number, "scheme": Scheme(scheme).label, "day": day},
        )
    else:
        values["signatory_id"] = signatory.person_id
