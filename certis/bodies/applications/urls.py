"""Online applications: applicants follow theirs, the regulator's staff, reviewers and officials process them."""

from django.urls import URLPattern, path

from . import views

app_name = "applications"
urlpatterns: list[URLPattern] = [
    path("", views.application_list, name="application_list"),
    path("new/", views.new_application, name="new_application"),
    path("figures/", views.figures, name="figures"),
    path("documents/<int:version_id>/", views.document_version, name="document_version"),
    path("<int:application_id>/", views.application_detail, name="application_detail"),
    path("<int:application_id>/approval/", views.approval_document, name="approval_document"),
    *(
        path(f"<int:application_id>/{name.replace('_', '-')}/", views.act, {"action": name}, name=name)
        for name in views.ACTS
    ),
]
