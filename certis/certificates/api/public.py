"""The public verification API, mounted at ``/api/v1/certificates``: one certificate by number, search, and
verification of up to 1,000 numbers in one call. Public fields only (``search.PUBLIC_RECORD``), for anyone,
no token needed.

- ``GET /api/v1/certificates/{number}``: the certificate with that number. Numbers are unique per body only
  (about one in 2,000 is used by two bodies). The answer is one certificate, never a list: when more than one
  body has issued the number it is **409**, listing those bodies, and ``?body=<approval number>`` picks one.
  A list would make every caller handle the rare case or, worse, read the first item and trust it; the 409
  makes the ambiguity impossible to miss. **404** says what "not in the registry" means and where to report a
  suspected fake.
- ``GET /api/v1/certificates?q=…&by=…&scheme=…&status=…&limit=…&offset=…``: the search of the public page
  (``search.find``), counted up to 10,000.
- ``POST /api/v1/certificates/verify`` with ``{"numbers": [...]}`` (1 to ``MAX_NUMBERS`` = 1,000): one result
  per number, in the order given, each with every certificate that has the number; one query in all.

Calls are rate-limited per caller (``CertificateRate``): anonymous ones by address at
``CERTIFICATES_ANON_RATE`` (120 a minute unless set), callers that send an organisation's API token
(``Authorization: Bearer ct_…``) by token at ``CERTIFICATES_TOKEN_RATE``. A token that is not valid counts as
no token. Past the limit the answer is 429 with ``Retry-After`` and a ``detail`` saying when to try again; the
429 is in each operation's OpenAPI entry.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.throttling import BaseThrottle
from pydantic import BaseModel, StringConstraints

from certis.bodies.models import Scheme as SchemeCode
from certis.certificates.models import Certificate, number_key
from certis.certificates.selectors import search as selectors
from certis.certificates.services.ledger import subject as log_subject
from certis.core.choices import api_enum
from certis.core.listing import capped_count
from certis.core.ratelimit import address_ident, hit, parse_rate
from certis.ledger.selectors import proof_for

if TYPE_CHECKING:  # to the type checker, the model's own choices (see certis.core.choices)
    CertificateStatus = Certificate.Status
    SearchKind = str
    SearchedKind = str
else:
    CertificateStatus = api_enum("CertificateStatus", Certificate.Status.values, module=__name__)
    SearchKind = api_enum("SearchKind", selectors.KINDS, module=__name__)
    SearchedKind = api_enum(
        "SearchedKind", [k for k in selectors.KINDS if k != selectors.AUTO], module=__name__
    )
MAX_NUMBERS = 1000


# Rate limit (the limiter is core's, shared with the public pages: certis.core.ratelimit)


def _token(request: HttpRequest) -> Any:
    """The organisation's API token the call was made with, if it is valid."""
    header = str(request.META.get("HTTP_AUTHORIZATION", ""))  # request.headers copies every header: slower
    scheme, _space, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    from certis.accounts.services import authenticate_token

    return authenticate_token(secret.strip())


class CertificateRate(BaseThrottle):
    """Core's fixed window per caller (``certis.core.ratelimit.hit``, one cache ``incr`` per call; ninja's own
    throttles keep every call's time in a list, which grows with the rate they allow). Anonymous calls share
    their address's allowance with the public pages (``RATE_LIMITED_VIEWS``)."""

    def __init__(self) -> None:
        self.local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        token = _token(request)
        if token is not None:
            verdict = hit(f"token:{token.pk}", "CERTIFICATES_TOKEN_RATE")
        else:
            verdict = hit(address_ident(request), "CERTIFICATES_ANON_RATE")
        self.local.wait, self.local.limit, self.local.period = verdict.wait, verdict.limit, verdict.period
        self.local.with_token = token is not None
        return verdict.allowed

    def wait(self) -> float | None:
        return float(getattr(self.local, "wait", 1.0))

    def refusal(self) -> str:
        """Why the call was refused, and what to do: said in the 429's ``detail``."""
        values = {
            "limit": getattr(self.local, "limit", 0),
            "period": getattr(self.local, "period", 60),
            "seconds": math.ceil(self.wait() or 1),
        }
        if getattr(self.local, "with_token", False):
            return (
                _(
                    "Too many requests with this API token: at most %(limit)d in %(period)d seconds. Try again "
                    "in %(seconds)d seconds."
                )
                % values
            )
        return (
            _(
                "Too many requests from your address: at most %(limit)d in %(period)d seconds without an API "
                "token. "
                "Try again in %(seconds)d seconds. To verify many certificates at once, send up to 1,000 numbers "
                "in one call to /api/v1/certificates/verify; organisations that need more ask for an API token."
            )
            % values
        )


RATE = CertificateRate()
parse_rate(settings.CERTIFICATES_ANON_RATE)  # a bad setting stops the start, not the first call
parse_rate(settings.CERTIFICATES_TOKEN_RATE)


def rate_limited(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wraps an operation's whole run (``decorate_view``), before parameters are read: every call counts,
    good or bad. Past the limit, 429 with ``Retry-After`` and a ``detail`` that says what to do (ninja's own
    throttling answers "Too many requests." in English whatever the caller's language)."""

    @functools.wraps(run)
    def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if RATE.allow_request(request):
            return run(request, *args, **kwargs)
        response = JsonResponse(
            {"detail": RATE.refusal()}, status=429, json_dumps_params={"ensure_ascii": False}
        )
        response["Retry-After"] = str(math.ceil(RATE.wait() or 1))
        return response

    return limited


router = Router(tags=["certificates"], auth=None)


# Schemas


class Answer(BaseModel):
    """What the API answers: plain pydantic models. Ninja's ``Schema`` also reads attributes of ORM objects
    through a wrapping validator, which these answers (built from dicts) do not need; it took a tenth of a
    verification's time."""


class BodyRef(Answer):
    number: str | None = Field(description="The body's approval number.", examples=["CNCA-R-2002-001"])
    name: str = Field(examples=["中国质量认证中心"])


class SignatoryOut(Answer):
    name: str = Field(examples=["王建华"])
    registration_number: str = Field(examples=["2020-NQA-100001"])


class HolderOut(Answer):
    name: str = Field(description="As printed on the certificate.", examples=["美的集团股份有限公司"])
    address: str = Field(examples=["广东省佛山市顺德区北滘镇美的大道6号"])
    uscc: str = Field(description="Unified social credit code.", examples=["91440606722473701M"])


class SiteOut(Answer):
    address: str
    scope: str


class StatusFields(Answer):
    status: CertificateStatus = Field(
        description="Expired from the day after the expiry date, even before the nightly task records it."
    )
    status_since: dt.date = Field(examples=["2025-06-01"])
    suspended_until: dt.date | None = Field(description="Set while suspended.", examples=[None])
    status_reason: str = Field(
        description="Why it is suspended, withdrawn, cancelled or expired.", examples=[""]
    )
    valid_until: dt.date = Field(description="The expiry date.", examples=["2030-05-31"])


class LogProofOut(Answer):
    """The certificate's latest event in the public log (``/log/``, C2SP tlog-tiles), to check with any
    tlog client: the leaf is ``entry``'s UTF-8 bytes, its hash SHA-256(0x00 || leaf) (RFC 6962)."""

    index: int = Field(description="The entry's index in the log.", examples=[41])
    entry: str = Field(description="The entry exactly as logged (canonical JSON).")
    tree_size: int | None = Field(
        description="The size of the latest checkpoint (/log/checkpoint); null while the entry waits for the "
        "next one (seconds)."
    )
    root_hash: str | None = Field(description="That checkpoint's root hash, base64.")
    inclusion_proof: list[str] = Field(
        description="The RFC 6962 audit path, base64 hashes, nearest the leaf first."
    )


class CertificateOut(StatusFields):
    number: str = Field(examples=["2025010101000001"])
    body: BodyRef
    scheme: SchemeCode
    holder: HolderOut
    product: str = Field(examples=["电饭锅"])
    product_code: str = Field(description="CCC catalogue product code.", examples=["0705"])
    models: list[str] = Field(examples=[["MB-FB40", "MB-FB50"]])
    trademark: str
    manufacturer: str
    factory: str
    scope: str
    standards: list[str] = Field(examples=[["GB 4706.1-2005"]])
    mode: str = Field(description="Certification mode.", examples=["型式试验+初始工厂检查+获证后监督"])
    sites: list[SiteOut]
    first_issued_on: dt.date
    issued_on: dt.date
    signatory: SignatoryOut
    url: str = Field(description="The certificate's public page.")
    log: LogProofOut | None = Field(description="Where its latest event stands in the public log.")


class CertificateRowOut(StatusFields):
    number: str = Field(examples=["2025010101000001"])
    body: BodyRef
    scheme: SchemeCode
    holder_name: str
    product: str
    models: list[str]
    scope: str
    issued_on: dt.date
    url: str


class SearchPage(Answer):
    kind: SearchedKind = Field(description="What the query was taken for.")
    count: int = Field(description="How many match, counted up to 10,000.")
    count_is_exact: bool = Field(description="False when more than 10,000 match.")
    capped: bool = Field(
        description=f"True when more holders (over {selectors.HOLDER_CAP}) or products (over "
        f"{selectors.MATCH_CAP:,} certificates) match than are "
        "searched: type more to narrow the search."
    )
    limit: int
    offset: int
    items: list[CertificateRowOut]


class SearchQuery(Schema):
    q: str = Field(
        min_length=1,
        max_length=selectors.MAX_QUERY,
        description="A certificate number, any part of the holder's name (simplified or traditional), the "
        "holder's USCC, or a product or model.",
        examples=["美的集团"],
    )
    by: SearchKind = Field("auto", description="What q is; auto guesses.")
    scheme: SchemeCode | None = None
    status: CertificateStatus | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10_000)


class ProblemOut(Answer):
    detail: str


class NotFoundOut(ProblemOut):
    report_url: str = Field(description="Where to report a suspected fake.")


class AmbiguousOut(ProblemOut):
    bodies: list[BodyRef] = Field(description="The bodies that use the number; ask again with ?body=.")


class VerifyIn(Schema):
    numbers: list[Annotated[str, StringConstraints(max_length=100)]] = Field(
        min_length=1,
        max_length=MAX_NUMBERS,
        description="1 to 1,000 certificate numbers, as printed (spaces and width do not matter).",
        examples=[["2025010101000001", "NOT-A-NUMBER-1"]],
    )


class VerifyMatch(Answer):
    body: BodyRef
    scheme: SchemeCode
    holder_name: str
    status: CertificateStatus
    status_since: dt.date
    valid_until: dt.date
    url: str


class VerifyResult(Answer):
    number: str = Field(description="The number as given.")
    found: bool
    ambiguous: bool = Field(
        description="True when several bodies have issued a certificate with this number."
    )
    status: CertificateStatus | None = Field(description="When exactly one certificate has the number.")
    valid_until: dt.date | None = Field(description="When exactly one certificate has the number.")
    matches: list[VerifyMatch]


class VerifyOut(Answer):
    results: list[VerifyResult]


# Answers


def _status(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": row["status"],
        "status_since": row["status_since"],
        "suspended_until": row["suspended_until"],
        "status_reason": row["status_reason"],
        "valid_until": row["expires_on"],
    }


def _body(row: dict[str, Any]) -> dict[str, Any]:
    return {"number": row["body"]["number"], "name": row["body"]["name"]}


def _record(row: dict[str, Any]) -> dict[str, Any]:
    return _status(row) | {
        "number": row["number"],
        "body": _body(row),
        "scheme": row["scheme"],
        "holder": {"name": row["holder_name"], "address": row["holder_address"], "uscc": row["holder_uscc"]},
        "product": row["product"],
        "product_code": row["product_code"],
        "models": row["models"],
        "trademark": row["trademark"],
        "manufacturer": row["manufacturer"],
        "factory": row["factory"],
        "scope": row["scope"],
        "standards": row["standards"],
        "mode": row["mode"],
        "sites": [
            {"address": site.get("address", ""), "scope": site.get("scope", "")} for site in row["sites"]
        ],
        "first_issued_on": row["first_issued_on"],
        "issued_on": row["issued_on"],
        "signatory": row["signatory"],
        "url": selectors.row_url(row),
    }


def _row(row: dict[str, Any]) -> dict[str, Any]:
    return _status(row) | {
        "number": row["number"],
        "body": _body(row),
        "scheme": row["scheme"],
        "holder_name": row["holder_name"],
        "product": row["product"],
        "models": row["models"],
        "scope": row["scope"],
        "issued_on": row["issued_on"],
        "url": selectors.row_url(row),
    }


def not_found_message(number: str) -> str:
    return _(
        "No certificate numbered %(number)s is in the registry. Bodies must report every certificate they "
        "issue: one that is not here may be fake, or not yet reported by its body. Check with the body "
        "named on it (find it in the register of certification bodies), or report a suspected fake."
    ) % {"number": number}


@router.get(
    "",
    response={200: SearchPage, 429: ProblemOut},
    summary="Search certificates",
    description="By number, any part of the holder's name in either script, USCC, or product or model.",
)
@decorate_view(rate_limited)
def search_certificates(request: HttpRequest, query: Query[SearchQuery]) -> dict[str, Any]:
    asked = selectors.Search(
        text=query.q.replace("\x00", ""),
        requested=query.by,
        scheme=query.scheme or "",
        status=query.status or "",
    )
    rows = selectors.matching(asked)
    window = [
        selectors.public_row(row, asked.today)
        for row in selectors.sorted_rows(rows)[query.offset : query.offset + query.limit]
    ]
    count, exact = capped_count(rows)
    return {
        "kind": asked.kind,
        "count": count,
        "count_is_exact": exact,
        "capped": asked.holders_capped or asked.matches_capped,
        "limit": query.limit,
        "offset": query.offset,
        "items": [_row(row) for row in window],
    }


@router.post(
    "/verify", response={200: VerifyOut, 429: ProblemOut}, summary="Verify up to 1,000 certificate numbers"
)
@decorate_view(rate_limited)
def verify_numbers(request: HttpRequest, payload: VerifyIn) -> dict[str, Any]:
    """One result per number, in the order given, each listing every certificate that has the number."""
    found = selectors.records_for_numbers(payload.numbers)
    results = []
    for number in payload.numbers:
        matches = found.get(number_key(number), [])
        single = matches[0] if len(matches) == 1 else None
        results.append(
            {
                "number": number,
                "found": bool(matches),
                "ambiguous": len(matches) > 1,
                "status": single["status"] if single else None,
                "valid_until": single["expires_on"] if single else None,
                "matches": [
                    {
                        "body": _body(row),
                        "scheme": row["scheme"],
                        "holder_name": row["holder_name"],
                        "status": row["status"],
                        "status_since": row["status_since"],
                        "valid_until": row["expires_on"],
                        "url": selectors.row_url(row),
                    }
                    for row in matches
                ],
            }
        )
    return {"results": results}


@router.get(
    "/{path:number}",
    # 404 also for an address no certificate number can have (a line break in it): a ProblemOut.
    response={200: CertificateOut, 404: NotFoundOut | ProblemOut, 409: AmbiguousOut, 429: ProblemOut},
    summary="One certificate by number",
)
@decorate_view(rate_limited)
def get_certificate(
    request: HttpRequest,
    number: str,
    body: Annotated[
        str | None,
        Query(description="The issuing body's approval number, when several bodies use the number."),
    ] = None,
) -> Status[Any] | JsonResponse:
    records = selectors.records_by_number(number, body=body)
    if not records:
        return Status(404, {"detail": not_found_message(number), "report_url": selectors.report_url(number)})
    if len(records) > 1:
        message = _(
            "%(count)d bodies have issued a certificate numbered %(number)s: ask again with "
            "?body= and the approval number of the body named on the certificate."
        ) % {"count": len(records), "number": number}
        return Status(409, {"detail": message, "bodies": [_body(row) for row in records]})
    # Rendered here rather than through the response model: this is the call verification makes thousands
    # of times a second, and ninja's validate-then-render took a tenth of it. The shape is CertificateOut's
    # (built field by field in _record), which the tests check against the OpenAPI document.
    record = _record(records[0])
    record["log"] = proof_for(log_subject(records[0]["body"]["number"], records[0]["number"]))
    return JsonResponse(record, json_dumps_params={"ensure_ascii": False})
