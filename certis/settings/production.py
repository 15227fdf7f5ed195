"""Production: every secret from the environment, secure cookies, HTTPS enforced, static files collected.

Set at least SECRET_KEY (or SECRET_KEY_FILE), DATABASE_URL (PostgreSQL), ALLOWED_HOSTS and REDIS_URL (shared
rate limits, lockouts and cache; `certis check --deploy` warns without it).

HTTPS: Django redirects plain HTTP to HTTPS and sends HSTS for a year by default. Behind a proxy that
terminates TLS and does either itself, turn Django's off explicitly: SECURE_SSL_REDIRECT=0 and/or
SECURE_HSTS_SECONDS=0 (the matching deploy checks are then silenced, since the proxy does the work).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY
from .env import env_bool, env_int, env_str

if SECRET_KEY.startswith("insecure-"):
    raise ImproperlyConfigured("Set SECRET_KEY (or SECRET_KEY_FILE) for production.")

DEBUG = False
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Monitoring asks /health over plain HTTP from inside; it is not redirected.
SECURE_REDIRECT_EXEMPT = [r"^health$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading commits the whole domain to HTTPS in browsers: its owner's decision, not Certis's.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
    *([] if SECURE_SSL_REDIRECT else ["security.W008"]),  # the proxy redirects
    *([] if SECURE_HSTS_SECONDS else ["security.W004"]),  # the proxy sends HSTS
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
