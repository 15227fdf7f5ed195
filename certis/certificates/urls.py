"""The registry's URLs, in one place, with the lists mounted where ``certis/urls.py`` puts them:

- ``urlpatterns`` (namespace ``certificates``, under ``/certificates/``): public search and pages, the verify
  page and QR codes (``verify/``), reporting by bodies (``report/``) and management by bodies and the
  regulator (``manage/``);
- ``wellknown_urlpatterns`` (at the root): ``/.well-known/jwks.json``.

A certificate's public page is ``/certificates/<issuing body's approval number>/<certificate number>/``
(``/certificates/CNCA-R-2002-001/2025010101000001/``): both numbers are public, printed on the certificate and
never reused, so the address is stable; the certificate number may hold slashes (``00124Q31234R1M/3200``).
Build it with ``reverse("certificates:detail", args=[body.number, certificate.number])``, or with
:func:`certis.certificates.selectors.search.detail_url`, which gives the same address without resolving
patterns (the API and the search page build one per certificate they list). The first path segments that
other parts of the registry use (``verify``, ``report``, ``manage``) and this module's own are never taken for
a body's number.

Management pages address certificates by their id: a number is unique only within its body, and these pages
are not public (someone who may not manage a certificate gets 404 for it, whatever its id).
"""

from django.urls import URLPattern, URLResolver, include, path, register_converter

from certis.certificates.views import codes, manage, public, reports, wellknown

app_name = "certificates"

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


class ReportFormat:
    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReportFormat, "report_format")


_public: list[URLPattern | URLResolver] = [
    path("", public.search, name="search"),
    path("report-suspect/", public.report_suspect, name="report_suspect"),
    path("suspects/", public.suspect_list, name="suspects"),
    path("suspects/<int:pk>/close/", public.close_suspect, name="close_suspect"),
    path("<issuing_body_number:body>/<certificate_number:number>/", public.detail, name="detail"),
]
_verify: list[URLPattern | URLResolver] = [
    path("", codes.verify, name="verify"),
    path("qr/<int:pk>.svg", codes.certificate_qr, name="certificate_qr"),
]
_report: list[URLPattern | URLResolver] = [
    path("", reports.report, name="report"),
    path("bodies/<int:body_id>/", reports.report_body, name="report_body"),
    path("bodies/<int:body_id>/certificate/", reports.report_form, name="report_form"),
    path("bodies/<int:body_id>/upload/", reports.report_upload, name="report_upload"),
    path("jobs/<int:job_id>/", reports.report_job, name="report_job"),
    path(
        "jobs/<int:job_id>/bad-rows.<report_format:fmt>", reports.report_job_errors, name="report_job_errors"
    ),
    path("template/<slug:scheme>.xlsx", reports.report_template, name="report_template"),
]
_manage: list[URLPattern | URLResolver] = [
    path("", manage.certificate_list, name="manage"),
    path("<int:pk>/", manage.certificate_detail, name="manage_detail"),
    path("<int:pk>/suspend/", manage.change_status, {"move": "suspend"}, name="manage_suspend"),
    path("<int:pk>/reinstate/", manage.change_status, {"move": "reinstate"}, name="manage_reinstate"),
    path("<int:pk>/withdraw/", manage.change_status, {"move": "withdraw"}, name="manage_withdraw"),
    path("<int:pk>/cancel/", manage.change_status, {"move": "cancel"}, name="manage_cancel"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    *_public,
    path("verify/", include(_verify)),
    path("report/", include(_report)),
    path("manage/", include(_manage)),
]

wellknown_urlpatterns: list[URLPattern | URLResolver] = [
    path(".well-known/jwks.json", wellknown.jwks, name="jwks"),
]
