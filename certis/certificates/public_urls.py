"""Public verification pages, under ``/certificates/``.

A certificate's public page is ``/certificates/<issuing body's approval number>/<certificate number>/``
(``/certificates/CNCA-R-2002-001/2025010101000001/``): both numbers are public, printed on the certificate and
never reused, so the address is stable; the certificate number may hold slashes (``00124Q31234R1M/3200``).
Build it with ``reverse("certificates:detail", args=[body.number, certificate.number])``, or with
:func:`certis.certificates.search.detail_url`, which gives the same address without resolving patterns (the API and the search page build
one per certificate they list).
The first path segments that other parts of the registry use (``verify``, ``report``, ``manage``) and this
module's own are never taken for a body's number.
"""

from django.urls import URLPattern, URLResolver, path, register_converter

from . import public_views as views

RESERVED = ("verify", "report", "manage", "suspects", "report-suspect")


class IssuingBodyNumber:
    """A body's approval number: one path segment, no control character, not a reserved word."""

    regex = r"(?!(?:" + "|".join(RESERVED) + r")/)[^/\x00-\x1f]{1,32}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class CertificateNumber:
    """A certificate number as issued: slashes allowed, no control character (PostgreSQL refuses NUL)."""

    regex = r"[^\x00-\x1f]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(IssuingBodyNumber, "issuing_body_number")
register_converter(CertificateNumber, "certificate_number")

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.search, name="search"),
    path("report-suspect/", views.report_suspect, name="report_suspect"),
    path("suspects/", views.suspect_list, name="suspects"),
    path("suspects/<int:pk>/close/", views.close_suspect, name="close_suspect"),
    path("<issuing_body_number:body>/<certificate_number:number>/", views.detail, name="detail"),
]
