"""Online applications: applicants follow theirs, the regulator's staff, reviewers and officials process them."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "applications"
urlpatterns: list[URLPattern] = []
