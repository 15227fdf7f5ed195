"""The public registers of bodies, labs and personnel, and the regulator's pages for keeping them."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "register"
urlpatterns: list[URLPattern] = []
