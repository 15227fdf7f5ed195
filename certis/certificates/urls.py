"""The registry's pages: public search and verification, the verify-a-code page, bodies' reporting and the
management of certificates by their bodies and the regulator."""

from django.urls import URLPattern, URLResolver, include, path

app_name = "certificates"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("certis.certificates.public_urls")),
    path("verify/", include("certis.certificates.code_urls")),
    path("report/", include("certis.certificates.report_urls")),
    path("manage/", include("certis.certificates.manage_urls")),
]
