from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from certis.certificates.urls import wellknown_urlpatterns

from .api import api
from .ledger.urls import log_patterns, page_patterns

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("certis.portal.urls")),
    path("", include("certis.core.urls")),
    path("accounts/", include("certis.accounts.urls")),
    path("audit/", include("certis.audit.urls")),
    path("plans/", include("certis.governance.urls")),
    path("register/", include("certis.bodies.register.urls")),
    path("applications/", include("certis.bodies.applications.urls")),
    path("certificates/", include("certis.certificates.urls")),
    path("catalogue/", include("certis.catalogue.urls")),
    path("log/", include((log_patterns, "log"))),
    path("ledger/", include((page_patterns, "ledger"))),
    path("", include(wellknown_urlpatterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "certis.core.views.bad_request"
handler403 = "certis.core.views.permission_denied"
handler404 = "certis.core.views.page_not_found"
handler500 = "certis.core.views.server_error"
