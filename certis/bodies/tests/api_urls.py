"""The site's addresses plus the register API mounted as the lead mounts it (``/v1/register``), under a
prefix of its own: the tests of the API do not depend on its being wired into ``certis.api`` yet."""

from django.urls import URLPattern, URLResolver, path
from ninja import NinjaAPI

from certis.bodies.register.api import router
from certis.urls import urlpatterns as site

PREFIX = "/register-api"

api = NinjaAPI(title="Certis register API (tests)", urls_namespace="register-api-tests", docs_url=None)
api.add_router("/v1/register", router)

urlpatterns: list[URLPattern | URLResolver] = [*site, path(PREFIX.strip("/") + "/", api.urls)]
