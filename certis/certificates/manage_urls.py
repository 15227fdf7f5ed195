"""Management of certificates by their bodies and the regulator, under ``/certificates/manage/``.

Certificates are addressed by their id here: a number is unique only within its body, and these pages are
not public (someone who may not manage a certificate gets 404 for it, whatever its id).
"""

from django.urls import URLPattern, URLResolver, path

from . import manage_views as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.certificate_list, name="manage"),
    path("<int:pk>/", views.certificate_detail, name="manage_detail"),
    path("<int:pk>/suspend/", views.change_status, {"move": "suspend"}, name="manage_suspend"),
    path("<int:pk>/reinstate/", views.change_status, {"move": "reinstate"}, name="manage_reinstate"),
    path("<int:pk>/withdraw/", views.change_status, {"move": "withdraw"}, name="manage_withdraw"),
    path("<int:pk>/cancel/", views.change_status, {"move": "cancel"}, name="manage_cancel"),
]
