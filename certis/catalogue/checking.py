"""Import verification (入境验证): one verdict per line of a customs declaration, and the lane.

A declaration of a thousand lines is checked with at most four queries whatever its size (``selectors.lookups``): the
HS codes in force on the declaration day with their catalogue products, the certificates by number, the
self-declarations by number, and the trusted importers. Everything else happens in memory. Nothing here
writes: recording the check is ``services.import_checks``.

A line's verdict:

- ``invalid``, with the reason, when the line cannot be read (a malformed HS code, USCC or quantity);
- ``not_in_catalogue`` when its HS code falls under no catalogue product on that day;
- ``exempt`` when it names no certificate or declaration but declares an exemption (see the README);
- ``missing`` when it names neither;
- ``invalid`` when the number is unknown, or names a certificate or declaration that does not cover the line:
  not a CCC certificate, another product, a route that does not admit it, suspended, withdrawn, cancelled,
  expired, invalidated, another holder, another model;
- ``covered`` otherwise.

When several certificates share a number (numbers are unique per body only), the one that comes closest to
covering the line decides.

The lane: a line whose importer is in the trusted class is checked after release, unless its verdict is
``missing`` or ``invalid``; every other line before release. The declaration goes after release only if all
its lines do.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from certis.certificates.models import Certificate

from .files.lines import DeclarationLine
from .hs import format_hs_code
from .lifecycle import DECLARABLE_ROUTES
from .models import Lane, Route, SelfDeclaration, Verdict
from .selectors.lookups import CERTIFICATE, SELF_DECLARATION, Document, Lookups, MappedProduct, model_keys

# The documents each route admits: a certificate unless the route is self-declaration only, a self-declaration
# where the declarations' lifecycle lets one be made.
ADMITS: dict[str, frozenset[str]] = {
    route: frozenset({CERTIFICATE} if route != Route.SELF_DECLARATION else set())
    | frozenset({SELF_DECLARATION} if route in DECLARABLE_ROUTES else set())
    for route in Route
}


class Reason:
    """The reason codes of the verdicts (stable: customs systems key on them)."""

    HS_NOT_IN_CATALOGUE = "hs_not_in_catalogue"
    CERTIFICATE_VALID = "certificate_valid"
    DECLARATION_VALID = "declaration_valid"
    NO_DOCUMENT = "no_document"
    EXEMPTION_DECLARED = "exemption_declared"
    UNKNOWN_NUMBER = "unknown_number"
    NOT_CCC = "not_ccc"
    OTHER_PRODUCT = "other_product"
    WRONG_ROUTE = "wrong_route"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    DECLARATION_CANCELLED = "declaration_cancelled"
    DECLARATION_INVALIDATED = "declaration_invalidated"
    OTHER_HOLDER = "other_holder"
    OTHER_MODEL = "other_model"
    # Lines that cannot be read (``lines.read_line``).
    MISSING_HS_CODE = "missing_hs_code"
    BAD_HS_CODE = "bad_hs_code"
    MISSING_IMPORTER = "missing_importer"
    BAD_USCC = "bad_uscc"
    BAD_QUANTITY = "bad_quantity"
    TOO_LONG = "too_long"


@dataclass(slots=True)
class LineVerdict:
    line: int
    verdict: str
    reason_code: str
    reason: str
    lane: str = Lane.BEFORE_RELEASE
    product_codes: list[str] = field(default_factory=list)
    document: Document | None = None
    duplicate_of: int | None = None

    @property
    def document_kind(self) -> str:
        return self.document.kind if self.document else ""


@dataclass
class CheckResult:
    declared_on: dt.date
    lines: list[DeclarationLine]
    verdicts: list[LineVerdict]

    @property
    def lane(self) -> str:
        if self.verdicts and all(v.lane == Lane.AFTER_RELEASE for v in self.verdicts):
            return Lane.AFTER_RELEASE
        return Lane.BEFORE_RELEASE

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(v.verdict for v in self.verdicts)
        return {verdict: counted.get(verdict, 0) for verdict in Verdict.values}


def check_lines(lines: list[DeclarationLine], day: dt.date, lookups: Lookups | None = None) -> CheckResult:
    """The verdict of every line, in order."""
    lookups = lookups or Lookups.load(lines, day)
    first_seen: dict[tuple[str, ...], int] = {}
    verdicts = []
    for line in lines:
        verdict = judge(line, day, lookups)
        original = first_seen.setdefault(line.identity, line.line)
        if original != line.line:
            verdict.duplicate_of = original
            verdict.reason += " " + _("The same as line %(line)d.") % {"line": original}
        verdict.lane = _lane(verdict, line, lookups)
        verdicts.append(verdict)
    return CheckResult(declared_on=day, lines=lines, verdicts=verdicts)


def _lane(verdict: LineVerdict, line: DeclarationLine, lookups: Lookups) -> str:
    problem = verdict.verdict in (Verdict.MISSING, Verdict.INVALID)
    if line.importer_uscc in lookups.trusted and not problem:
        return Lane.AFTER_RELEASE
    return Lane.BEFORE_RELEASE


def _products_text(products: list[MappedProduct]) -> str:
    return _("; ").join(f"{p.code} {p.name}" + (f" ({p.condition})" if p.condition else "") for p in products)


def judge(line: DeclarationLine, day: dt.date, lookups: Lookups) -> LineVerdict:
    """The verdict of one line, given what was looked up."""
    if line.problem:
        code, message = line.problem
        return LineVerdict(line.line, Verdict.INVALID, code, message)
    assert line.hs_code is not None
    products = lookups.mappings.get(line.hs_code, [])
    codes = [p.code for p in products]
    hs = format_hs_code(line.hs_code)
    if not products:
        return LineVerdict(
            line.line,
            Verdict.NOT_IN_CATALOGUE,
            Reason.HS_NOT_IN_CATALOGUE,
            _("HS code %(hs)s falls under no product of the CCC catalogue on %(day)s: no CCC is needed.")
            % {"hs": hs, "day": day.isoformat()},
        )
    if not line.number:
        return _without_document(line, products, hs)
    candidates = lookups.documents.get(line.number_key, [])
    if not candidates:
        return LineVerdict(
            line.line,
            Verdict.INVALID,
            Reason.UNKNOWN_NUMBER,
            _(
                "No certificate or self-declaration has the number %(number)s: it may be mistyped or forged. "
                "Ask the importer for the document and report a suspected fake to the regulator."
            )
            % {"number": line.number},
            product_codes=codes,
        )
    judged = [_judge_document(document, line, products, day) for document in candidates]
    best = max(judged, key=lambda item: item[0])
    _rank, verdict = best
    verdict.product_codes = codes
    return verdict


def _without_document(line: DeclarationLine, products: list[MappedProduct], hs: str) -> LineVerdict:
    codes = [p.code for p in products]
    if line.exemption:
        return LineVerdict(
            line.line,
            Verdict.EXEMPT,
            Reason.EXEMPTION_DECLARED,
            _(
                "HS code %(hs)s falls under %(products)s; the importer declares the goods exempt (%(exemption)s). "
                "Check the exemption document."
            )
            % {"hs": hs, "products": _products_text(products), "exemption": line.exemption},
            product_codes=codes,
        )
    needed = {kind for p in products for kind in ADMITS.get(p.route, frozenset())}
    if needed == {SELF_DECLARATION}:
        document = _("a self-declaration")
    elif needed == {CERTIFICATE}:
        document = _("a CCC certificate")
    else:
        document = _("a CCC certificate or a self-declaration")
    return LineVerdict(
        line.line,
        Verdict.MISSING,
        Reason.NO_DOCUMENT,
        _("HS code %(hs)s falls under %(products)s: %(document)s is needed and the line names none.")
        % {"hs": hs, "products": _products_text(products), "document": document},
        product_codes=codes,
    )


def _judge_document(
    document: Document, line: DeclarationLine, products: list[MappedProduct], day: dt.date
) -> tuple[int, LineVerdict]:
    """How close the document comes to covering the line (a rank: the higher the closer) and the verdict."""
    checks = _CERTIFICATE_CHECKS if document.kind == CERTIFICATE else _DECLARATION_CHECKS
    # A declaration has no "is it CCC" check: its checks line up with the certificate's from the second on.
    offset = len(_CERTIFICATE_CHECKS) - len(checks)
    for rank, check in enumerate(checks, start=offset):
        failure = check(document, line, products, day)
        if failure is not None:
            code, message = failure
            return rank, LineVerdict(line.line, Verdict.INVALID, code, message, document=document)
    if document.kind == CERTIFICATE:
        reason = _("Certificate %(number)s of %(holder)s is valid until %(day)s and covers the line.") % {
            "number": document.number,
            "holder": document.holder_name,
            "day": document.expires_on.isoformat() if document.expires_on else "",
        }
        code = Reason.CERTIFICATE_VALID
    else:
        reason = _("Self-declaration %(number)s of %(holder)s is valid and covers the line.") % {
            "number": document.number,
            "holder": document.holder_name,
        }
        code = Reason.DECLARATION_VALID
    return len(_CERTIFICATE_CHECKS), LineVerdict(line.line, Verdict.COVERED, code, reason, document=document)


Failure = tuple[str, str] | None


def _is_ccc(
    document: Document, line: DeclarationLine, products: list[MappedProduct], day: dt.date
) -> Failure:
    if document.scheme == "ccc":
        return None
    return Reason.NOT_CCC, _("Certificate %(number)s is not a CCC certificate.") % {"number": document.number}


def _same_product(
    document: Document, line: DeclarationLine, products: list[MappedProduct], day: dt.date
) -> Failure:
    if any(p.code == document.product_code for p in products):
        return None
    return Reason.OTHER_PRODUCT, _(
        "%(number)s covers catalogue product %(code)s, but HS code %(hs)s falls under %(products)s."
    ) % {
        "number": document.number,
        "code": document.product_code or "—",
        "hs": format_hs_code(line.hs_code or ""),
        "products": _products_text(products),
    }


def _route_admits(
    document: Document, line: DeclarationLine, products: list[MappedProduct], day: dt.date
) -> Failure:
    product = next(p for p in products if p.code == document.product_code)
    if document.kind in ADMITS.get(product.route, frozenset()):
        return None
    if document.kind == CERTIFICATE:
        message = _(
            "On %(day)s catalogue product %(code)s is on the self-declaration route: it needs a "
            "self-declaration, not a certificate."
        )
    else:
        message = _(
            "On %(day)s catalogue product %(code)s needs third-party certification: a "
            "self-declaration does not cover it."
        )
    return Reason.WRONG_ROUTE, message % {"day": day.isoformat(), "code": product.code}


def _certificate_status(
    document: Document, line: DeclarationLine, products: list[MappedProduct], day: dt.date
) -> Failure:
    status = document.status
    values = {
        "number": document.number,
        "since": document.status_since.isoformat() if document.status_since else "",
        "until": document.until.isoformat() if document.until else "",
        "reason": document.status_reason,
        "expiry": document.expires_on.isoformat() if document.expires_on else "",
    }
    if status == Certificate.Status.SUSPENDED:
        return Reason.SUSPENDED, _(
            "Certificate %(number)s is suspended since %(since)s until %(until)s: %(reason)s"
        ) % values
    if status == Certificate.Status.WITHDRAWN:
        return Reason.WITHDRAWN, _("Certificate %(number)s was withdrawn on %(since)s: %(reason)s") % values
    if status == Certificate.Status.CANCELLED:
        return Reason.CANCELLED, _("Certificate %(number)s was cancelled on %(since)s: %(reason)s") % values
    if status == Certificate.Status.EXPIRED or (
        document.expires_on is not None and document.expires_on < day
    ):
        return Reason.EXPIRED, _("Certificate %(number)s expired on %(expiry)s.") % values
    return None


def _declaration_status(
    document: Document, line: DeclarationLine, products: list[MappedProduct], day: dt.date
) -> Failure:
    values = {
        "number": document.number,
        "since": document.status_since.isoformat() if document.status_since else "",
        "reason": document.status_reason,
    }
    if document.status == SelfDeclaration.Status.CANCELLED:
        return Reason.DECLARATION_CANCELLED, _(
            "Self-declaration %(number)s was cancelled by the maker on %(since)s."
        ) % values
    if document.status == SelfDeclaration.Status.INVALIDATED:
        return Reason.DECLARATION_INVALIDATED, _(
            "Self-declaration %(number)s was invalidated by the regulator on %(since)s: %(reason)s"
        ) % values
    return None


def _same_holder(
    document: Document, line: DeclarationLine, products: list[MappedProduct], day: dt.date
) -> Failure:
    if document.holder_uscc == line.importer_uscc:
        return None
    return Reason.OTHER_HOLDER, _(
        "%(number)s is held by %(holder)s (%(uscc)s), not by the importer %(importer)s."
    ) % {
        "number": document.number,
        "holder": document.holder_name,
        "uscc": document.holder_uscc,
        "importer": line.importer_uscc,
    }


def _same_model(
    document: Document, line: DeclarationLine, products: list[MappedProduct], day: dt.date
) -> Failure:
    if not line.model_key or not document.models:
        return None
    keys = model_keys(document.models)
    if not keys or line.model_key in keys:
        return None
    return Reason.OTHER_MODEL, _("%(number)s does not list the model %(model)s.") % {
        "number": document.number,
        "model": line.model,
    }


# In order: the first that fails is the line's reason, and the later the failure, the closer the document
# comes to covering the line.
_CERTIFICATE_CHECKS = (_is_ccc, _same_product, _route_admits, _certificate_status, _same_holder, _same_model)
_DECLARATION_CHECKS = (_same_product, _route_admits, _declaration_status, _same_holder, _same_model)
