"""Certification marks (CCC marks): batches of serial numbers issued for a certificate, and their checks.

A serial is a prefix of one to four letters and a number, written without leading zeros as the batches are
(``A1234567``; a typed ``A0001234567`` is the same serial). A mark is genuine when its serial falls in a batch
whose certificate is valid. A mark may also carry a signed code (a JWS with ``typ`` "mark", under the same
keys as certificates), whose payload is ``{"v":1,"m":"A1234567","n":"<certificate number>","b":"<body
approval number>"}``; it is checked like a certificate's code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certis.accounts.models import Actor, User
from certis.audit.models import EventType
from certis.audit.services import record
from certis.certificates import lifecycle
from certis.certificates.access import can_manage, is_supervisor
from certis.certificates.models import Certificate, MarkBatch, number_key

PREFIX = re.compile(r"[A-Z]{1,4}")
MAX_SERIAL = 10**12 - 1
MAX_BATCH = 10_000_000  # a typing slip of one digit must not reserve a range for ever


def can_issue_marks(user: User | AnonymousUser, certificate: Certificate) -> bool:
    """The certificate's body staff, or the regulator's supervision staff."""
    return can_manage(user, certificate) or is_supervisor(user)


def _lock_prefix(prefix: str) -> None:
    """Serialise the issue of batches under one prefix, so that two overlapping batches cannot both pass the
    check. PostgreSQL takes an advisory lock till the end of the transaction; SQLite's writers queue anyway."""
    if connection.vendor == "postgresql":
        key = int.from_bytes(
            hashlib.sha256(f"certis:marks:{prefix}".encode()).digest()[:8], "big", signed=True
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _check_range(prefix: str, first: Any, last: Any) -> None:
    if not PREFIX.fullmatch(prefix):
        raise ValidationError({"prefix": _("A serial prefix is one to four letters.")})
    numbers_ok = all(
        isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= MAX_SERIAL for n in (first, last)
    )
    if not numbers_ok:
        raise ValidationError(_("Serial numbers are whole numbers from 0 to %(max)d.") % {"max": MAX_SERIAL})
    if first > last:
        raise ValidationError({"last": _("The last serial must not come before the first.")})
    if last - first + 1 > MAX_BATCH:
        raise ValidationError(
            {
                "last": _("A batch holds at most %(count)d marks; issue several batches.")
                % {"count": MAX_BATCH}
            }
        )


def _check_certificate(certificate: Certificate, issued_on: dt.date) -> None:
    today = timezone.localdate()
    if not lifecycle.is_current(certificate, today):
        raise ValidationError(
            _(
                "Certificate %(number)s is not valid (%(status)s); marks are issued only for valid certificates."
            )
            % {"number": certificate.number, "status": certificate.get_status_display()}
        )
    if issued_on > today:
        raise ValidationError({"issued_on": _("Marks cannot be issued on a day still to come.")})
    if not certificate.first_issued_on <= issued_on <= certificate.expires_on:
        raise ValidationError({"issued_on": _("Marks are issued while their certificate is in force.")})


@transaction.atomic
def issue_marks(
    *, acting_user: Actor, certificate: Certificate, prefix: str, first: int, last: int, issued_on: dt.date
) -> MarkBatch:
    """Issue the marks ``prefix`` + ``first``..``last`` for a valid certificate; no serial is issued twice."""
    if acting_user is None or not can_issue_marks(acting_user, certificate):
        raise PermissionDenied(_("Only the certificate's body or the regulator may issue its marks."))
    prefix = number_key(prefix or "")
    _check_range(prefix, first, last)
    _lock_prefix(prefix)
    certificate = Certificate.objects.select_for_update().select_related("body").get(pk=certificate.pk)
    _check_certificate(certificate, issued_on)
    overlap = (
        MarkBatch.objects.filter(prefix=prefix, first__lte=last, last__gte=first)
        .select_related("certificate")
        .first()
    )
    if overlap is not None:
        raise ValidationError(
            _("Serials %(batch)s were issued already, for certificate %(number)s; no serial is issued twice.")
            % {"batch": str(overlap), "number": overlap.certificate.number}
        )
    batch = MarkBatch.objects.create(
        certificate=certificate,
        prefix=prefix,
        first=first,
        last=last,
        issued_on=issued_on,
        issued_by=acting_user,
    )
    record(
        EventType.MARKS_ISSUED,
        actor=acting_user,
        target=batch,
        organisation=certificate.body.organisation if can_manage(acting_user, certificate) else None,
        data={
            "certificate": certificate.number,
            "prefix": prefix,
            "first": first,
            "last": last,
            "count": last - first + 1,
            "issued_on": issued_on,
        },
    )
    return batch
