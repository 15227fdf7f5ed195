"""Settings shared by every environment. Machine-specific values come from the environment (env.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url

from .env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PACKAGE_DIR.parent
VAR_DIR = Path(env_str("CERTIS_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-change-me-in-production-0123456789")
# Seals personal numbers (identity numbers) in the database; kept apart from SECRET_KEY so that rotating the
# session key does not make sealed data unreadable. Defaults to SECRET_KEY.
FIELD_SECRET = env_str("FIELD_SECRET", SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "axes",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "certis.core",
    "certis.accounts",
    "certis.audit",
    "certis.governance",
    "certis.bodies",
    "certis.certificates",
    "certis.catalogue",
    "certis.ledger",
    "certis.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "certis.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "certis.core.middleware.RateLimitMiddleware",
]

ROOT_URLCONF = "certis.urls"
WSGI_APPLICATION = "certis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "certis.portal.navigation.navigation",
            ],
        },
    }
]

if not env_str("DATABASE_URL", ""):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "") or f"sqlite:///{VAR_DIR / 'certis.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at BEGIN so that
    # two concurrent writers queue instead of failing half-way.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Lock an account out after repeated failed logins (django-axes), counted per account *and* address: five
# wrong passwords lock that account from that address only, so someone elsewhere cannot lock an office out of
# its own accounts by typing their names. Guessing from many addresses meets LOGIN_ACCOUNT_CEILING
# (certis.accounts.ceiling). The address is the rate limits' (certis.core.ratelimit.client_address, which
# honours NINJA_NUM_PROXIES): behind a proxy, set it, or every caller has the proxy's address.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "certis.core.ratelimit.client_address"
LOGIN_ACCOUNT_CEILING = env_str("LOGIN_ACCOUNT_CEILING", "50/15min")
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Answers that are the same bytes in every language: no Vary: Cookie (core.middleware), so shared caches
# and mirrors keep one copy.
LANGUAGE_INDEPENDENT_PATHS = ("/log/", "/.well-known/")
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

# Uploads: the office uploads notices and Excel files, units upload evidence.
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "certis@localhost")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"

NINJA_PAGINATION_PER_PAGE = 50

# Caches, rate limits and login lockouts. With REDIS_URL (production) they are in Redis, shared by every worker
# process and server, so that a limit holds across all of them; without it, in each process's memory
# (development and tests on one machine). CACHE_KEY_PREFIX separates several sites sharing one Redis.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"REDIS_URL must start with redis://, rediss:// or unix://; got {REDIS_URL!r}."
    )
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "certis"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    # Lockouts in Redis too (axes' cache handler): they are short-lived counters that Redis expires by itself
    # at the end of the cool-off, read on every login from every server, with no table to grow or clean.
    AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "certis"}}

# Content-Security-Policy (django-csp): everything from this site only, no inline script and no <style>
# element of any kind (scripts and style sheets are static files: htmx, Swagger UI, certis/*.js, *.css).
# Style attributes are allowed: bars and charts are sized in them from data.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-elem": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The public pages limited like the public API, per address (certis.core.middleware.RateLimitMiddleware):
# view name → the name of the rate setting. They share the API's anonymous allowance.
RATE_LIMITED_VIEWS = {
    "certificates:search": "CERTIFICATES_ANON_RATE",
    "certificates:detail": "CERTIFICATES_ANON_RATE",
    "certificates:verify": "CERTIFICATES_ANON_RATE",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# A unit with no progress report for this many days has its task flagged as stalled.
GOVERNANCE_STALLED_AFTER_DAYS = env_int("GOVERNANCE_STALLED_AFTER_DAYS", 30)

# Online applications (bodies app): the time limit of each stage in working days (Monday to Friday, with the
# public holidays and worked weekend days of the Holiday table). Supplementing has no limit: its time is the
# applicant's, and the clock of the stage the application came from is paused meanwhile.
BODIES_STAGE_LIMITS = {
    "submitted": env_int("BODIES_LIMIT_SUBMITTED", 5),
    "review": env_int("BODIES_LIMIT_REVIEW", 20),
    "decision": env_int("BODIES_LIMIT_DECISION", 10),
    "issuing": env_int("BODIES_LIMIT_ISSUING", 5),
    "issued": env_int("BODIES_LIMIT_ISSUED", 2),
}
# How long an approval (or a lab's qualification) issued through an application is valid.
BODIES_APPROVAL_VALID_YEARS = env_int("BODIES_APPROVAL_VALID_YEARS", 6)

# Background work (django-tasks, the backport of Django 6's django.tasks): jobs are rows in the database, run by
# `certis db_worker`. Tests run them at once (settings/test.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The platform's public address (https://certis.example.gov.cn), put in the QR codes of certificates so that
# a phone opens the verify page. Empty: the address the page was asked under.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "").rstrip("/")
if PUBLIC_BASE_URL and not PUBLIC_BASE_URL.startswith(("https://", "http://")):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"PUBLIC_BASE_URL must start with https:// or http://; got {PUBLIC_BASE_URL!r}."
    )

# The public log's name: the first line of every checkpoint and the name of its key (C2SP tlog-checkpoint,
# a schema-less URL such as certis.example.gov.cn/log). Empty: PUBLIC_BASE_URL's host and path + "/log".
# Choose it once: a log keeps its origin for life.
LEDGER_ORIGIN = env_str("LEDGER_ORIGIN", "")

# Certificate reports in bulk (certificates app): a file of at most this many rows is checked and applied in
# the request that uploads it; a larger one is queued for the worker, and its page shows the progress.
CERTIFICATES_IMPORT_INLINE_ROWS = env_int("CERTIFICATES_IMPORT_INLINE_ROWS", 2_000)
# The most rows one file of certificate reports may hold (Excel's own limit is 1,048,575); more is refused
# with a message asking to split the file.
CERTIFICATES_IMPORT_MAX_ROWS = env_int("CERTIFICATES_IMPORT_MAX_ROWS", 1_000_000)

# Public verification API (certificates app): requests allowed per caller, as "count/period" (period s, min,
# hour or day). Anonymous callers are counted by address, callers with an organisation's API token by token.
# Counted in the default cache (Redis with REDIS_URL); the public pages count against the anonymous rate too.
CERTIFICATES_ANON_RATE = env_str("CERTIFICATES_ANON_RATE", "120/min")
CERTIFICATES_TOKEN_RATE = env_str("CERTIFICATES_TOKEN_RATE", "6000/min")
# How many reverse proxies stand in front of Certis and append to X-Forwarded-For: the caller's address is
# taken that many places from its end. 0 (the default) takes the socket's address and ignores the header,
# which a caller could forge; set 1 behind one nginx, or every caller counts as the proxy's address.
NINJA_NUM_PROXIES = env_int("NINJA_NUM_PROXIES", 0)
# The public lookup by number is a prepared statement on PostgreSQL. Turn it off behind a pooler that
# cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
CERTIFICATES_PREPARED_LOOKUP = env_bool("CERTIFICATES_PREPARED_LOOKUP", True)
# Reports of suspected fakes: at most this many an hour from one browser session (four times as many from one
# address).
CERTIFICATES_SUSPECT_REPORTS_PER_HOUR = env_int("CERTIFICATES_SUSPECT_REPORTS_PER_HOUR", 5)
