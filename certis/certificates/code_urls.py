"""The public verify page (``/certificates/verify/``) and certificates' QR codes; no login."""

from django.urls import URLPattern, URLResolver, path

from . import code_views as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.verify, name="verify"),
    path("qr/<int:pk>.svg", views.certificate_qr, name="certificate_qr"),
]
