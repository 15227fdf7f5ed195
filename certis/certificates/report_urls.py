"""Reporting by certification bodies, under /certificates/report/ (namespace ``certificates``): the body's
page, one certificate on a form, a file of them, the file's progress and result, and the templates."""

from django.urls import URLPattern, URLResolver, path, register_converter

from . import report_views as views


class ReportFormat:
    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReportFormat, "report_format")

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.report, name="report"),
    path("bodies/<int:body_id>/", views.report_body, name="report_body"),
    path("bodies/<int:body_id>/certificate/", views.report_form, name="report_form"),
    path("bodies/<int:body_id>/upload/", views.report_upload, name="report_upload"),
    path("jobs/<int:job_id>/", views.report_job, name="report_job"),
    path("jobs/<int:job_id>/bad-rows.<report_format:fmt>", views.report_job_errors, name="report_job_errors"),
    path("template/<slug:scheme>.xlsx", views.report_template, name="report_template"),
]
