"""The public registers of bodies, labs and personnel, and the regulator's pages for keeping them.

Bodies and labs are addressed by their number (``/register/bodies/CNCA-R-2002-001/``), people by their
registration number; the numbers never change and are never given to another.
"""

from django.urls import path, register_converter
from django.views.generic import RedirectView

from . import views


class RegisterNumber:
    """Any number as registered, short of a slash or a control character (PostgreSQL refuses NUL)."""

    regex = r"[^/\x00-\x1f]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RegisterNumber, "register_number")

app_name = "register"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="register:body_list"), name="index"),
    path("bodies/", views.body_list, name="body_list"),
    path("bodies/<register_number:number>/", views.body_detail, name="body_detail"),
    path("bodies/<register_number:number>/status/", views.change_body_status, name="change_body_status"),
    path(
        "bodies/<register_number:number>/accreditations/new/",
        views.record_accreditation,
        name="record_accreditation",
    ),
    path("labs/", views.lab_list, name="lab_list"),
    path("labs/<register_number:number>/", views.body_detail, name="lab_detail"),
    path("personnel/", views.person_list, name="person_list"),
    path("personnel/new/", views.register_person, name="register_person"),
    path("personnel/<register_number:registration_number>/", views.person_detail, name="person_detail"),
    path(
        "personnel/<register_number:registration_number>/qualifications/new/",
        views.record_qualification,
        name="record_qualification",
    ),
    path(
        "personnel/<register_number:registration_number>/employments/new/",
        views.record_employment,
        name="record_employment",
    ),
    path(
        "personnel/<register_number:registration_number>/status/",
        views.change_person_status,
        name="change_person_status",
    ),
]
