"""Settings for kb, read from the environment in this one place.

Development defaults (a throwaway secret key, local hosts, a SQLite file) apply only while
DEBUG is on. With DEBUG off the process refuses to start until SECRET_KEY and ALLOWED_HOSTS
are set for real.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no variable; '1', 'true', 'yes' and 'on' (any case) mean yes."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated variable into a list, ignoring blanks."""
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random value in production, "
            "or set DEBUG=1 for local development."
        )
    # Only ever used with DEBUG on; the prefix makes `check --deploy` flag it if it leaks.
    SECRET_KEY = "django-insecure-local-development-only"
elif not DEBUG and (SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be a random value of at least 50 characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# HTTPS only in production: plain HTTP redirects, cookies travel over HTTPS alone, and
# browsers are told (HSTS) to use nothing else for a year. HTTPS=0 turns this off to serve
# plain HTTP on a private address (the load benchmark does); DEBUG turns it off too.
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
# Both are what `check --deploy` asks for; a site sharing its domain with plain-HTTP hosts
# must turn them off (preloading is a promise to browsers that is slow to take back).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("BEHIND_TLS_PROXY"):
    # Only behind a proxy that always sets it: anyone else could forge the header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp): everything comes from this server, nothing inline.
# Readers' visits are known to this server alone, and injected markup cannot run a script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The embeddable cards (/embed/TT-0001/, docs/sharing.md) are the only pages other sites may
# frame: course platforms, slides and wikis show them. These are the frame-ancestors their
# policy allows, comma-separated (e.g. "https://moodle.example.org,https://lms.example.net");
# by default any page served over HTTPS or HTTP.
KB_EMBED_FRAME_ANCESTORS = env_list("KB_EMBED_FRAME_ANCESTORS", ["https:", "http:"])
# No page needs a device feature or powerful API; deny each of them to every origin.
PERMISSIONS_POLICY = [
    "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media",
    "fullscreen", "geolocation", "gyroscope", "hid", "interest-cohort", "magnetometer",
    "microphone", "midi", "payment", "picture-in-picture", "publickey-credentials-get",
    "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
]  # fmt: skip

INSTALLED_APPS = [
    # django.contrib.admin, whose admin.site asks for a second factor (kb/curation/accounts/).
    "kb.curation.accounts.apps.CurationAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Trigram lookups for spelling suggestions on PostgreSQL; inert on SQLite.
    "django.contrib.postgres",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "simple_history",
    # Admins import spreadsheets (CSV, XLSX) with a dry-run preview (kb/curation/imports/).
    "import_export",
    "csp",
    "axes",
    # The second factor of staff sign-ins: authenticator apps (TOTP) and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Country names in every language, for the "Get help" page (kb.models.help).
    "django_countries",
    "kb",
]

MIDDLEWARE = [
    # /healthz, before the HTTPS redirect, the host check and the page cache (kb/web/health.py).
    "kb.web.health.HealthCheckMiddleware",
    # Text pages gzipped (kb/web/compression.py), the cached ones too: above the page cache,
    # which thus keeps one copy of each page whatever a browser accepts.
    "kb.web.compression.CompressedPagesMiddleware",
    # A public page asked for with parameters it does not read is sent to its address
    # without them, so that only those addresses are cached (kb/web/parameters.py).
    "kb.web.parameters.CanonicalAddressMiddleware",
    # Next, so that a cached page is answered with every header the stack below once
    # added, and nothing else runs.
    "kb.caching.middleware.PublicPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "kb.web.security.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the address alone (/es/...; none is English), never from a
    # cookie or the browser, so a page's address says what it shows (kb/web/languages.py).
    "django.middleware.locale.LocaleMiddleware",
    # ...except the admin, which follows the editor's browser.
    "kb.web.languages.AdminLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether the session signed in with its second factor.
    "django_otp.middleware.OTPMiddleware",
    # Nothing under /admin/ but the sign-in without it (kb/curation/accounts/middleware.py).
    "kb.curation.accounts.middleware.SecondFactorRequiredMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: answers a locked-out login with its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kb.urls"
WSGI_APPLICATION = "kb.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kb.web.context_processors.site",
                "kb.web.languages.languages",
            ],
        },
    },
]

# DATABASE_URL=postgres://user@host:5432/name switches to PostgreSQL with no code change.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Connections are kept between requests (and checked before reuse), not opened anew.
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while an admin saves; IMMEDIATE avoids "database is locked"
    # when two writers upgrade their locks at the same time.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # The test database is a file, not memory, so that the application servers some tests
    # start (tests/caching/test_instances.py) can share it. KB_TEST_DATABASE names another
    # file, so that two suites can run side by side in one checkout.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("KB_TEST_DATABASE") or str(BASE_DIR / "test-db.sqlite3")
    }
else:
    # A database that does not answer fails a request within seconds (a 503 page, and
    # /healthz says so), instead of holding every worker until the proxy gives up.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5)
    )

# Public pages are cached for anonymous readers (kb/caching/). With REDIS_URL, every
# application server shares one Redis; otherwise the worker processes of this machine share
# files in CACHE_DIR. Either way a cached page is served only while the content version it
# records (kept in the database) is current.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_DIR = Path(os.environ.get("CACHE_DIR") or BASE_DIR / "var" / "cache")
CACHES = {
    "default": (
        {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "kb"),
            # A Redis that stops answering fails a lookup within a second, and the page is
            # rendered without the cache, instead of holding the worker.
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": CACHE_DIR,
            # Each write lists the folder to keep it under this many pages (a third of them,
            # chosen at random, go when it is full), which takes longer the more pages it
            # holds (docs/caching.md). For more pages than this, use Redis.
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 1000)},
        }
    )
}
# How long a cached page may be kept; 0 turns the page cache off.
KB_PAGE_CACHE_SECONDS = env_int("KB_PAGE_CACHE_SECONDS", 24 * 3600)
# Larger responses (downloads, a large sitemap) are not stored: a handful of them would take
# the room of thousands of pages in Redis (docs/caching.md).
KB_PAGE_CACHE_MAX_BYTES = env_int("KB_PAGE_CACHE_MAX_BYTES", 512 * 1024)

# Downloads (kb/downloads/) are built once per content version, outside any request, into
# this folder, and served from it as files. A change builds them in a background thread of
# the process that made it (and a request for files not built yet, in the process serving
# it); with this off, only `manage.py build_downloads` builds them (docs/operations.md).
KB_DOWNLOADS_DIR = Path(os.environ.get("KB_DOWNLOADS_DIR") or BASE_DIR / "var" / "downloads")
KB_DOWNLOADS_BUILD_IN_BACKGROUND = env_bool("KB_DOWNLOADS_BUILD_IN_BACKGROUND", True)

# A source's stored text (kb/curation/evidence/): the largest file curators may upload, the
# longest text kept once extracted, and the most pages a PDF may have (docs/operations.md).
KB_SOURCE_TEXT_MAX_UPLOAD_BYTES = env_int("KB_SOURCE_TEXT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
KB_SOURCE_TEXT_MAX_CHARS = env_int("KB_SOURCE_TEXT_MAX_CHARS", 2_000_000)
KB_SOURCE_TEXT_MAX_PDF_PAGES = env_int("KB_SOURCE_TEXT_MAX_PDF_PAGES", 500)

# The link checker (manage.py check_links, kb/curation/links.py): how long one request may
# take, how many redirects it follows, how many hosts it asks at once, and how long it waits
# between two requests to one host, so that it never hammers a publisher.
KB_LINK_CHECK_TIMEOUT = env_int("KB_LINK_CHECK_TIMEOUT", 15)
KB_LINK_CHECK_MAX_REDIRECTS = env_int("KB_LINK_CHECK_MAX_REDIRECTS", 5)
KB_LINK_CHECK_WORKERS = env_int("KB_LINK_CHECK_WORKERS", 4)
KB_LINK_CHECK_HOST_DELAY_MS = env_int("KB_LINK_CHECK_HOST_DELAY_MS", 1000)
# Links to this machine or a private network are refused: the checker must not probe the
# server's own network for whoever typed a link. Tests turn it on for their local server.
KB_LINK_CHECK_PRIVATE_ADDRESSES = env_bool("KB_LINK_CHECK_PRIVATE_ADDRESSES", False)

# Spreadsheet imports in the admin (kb/curation/imports/, docs/curation.md): the largest file
# and the most rows one import takes. The uploaded file waits for the confirm step in the
# cache, which every application server shares (a temporary folder would be one machine's).
KB_IMPORT_MAX_BYTES = env_int("KB_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
KB_IMPORT_MAX_ROWS = env_int("KB_IMPORT_MAX_ROWS", 5000)
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"
IMPORT_EXPORT_USE_TRANSACTIONS = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Failed logins are counted (django-axes); after AXES_FAILURE_LIMIT failures for one user
# name from one address, that pair is locked out for AXES_COOLOFF_MINUTES. Counting the pair
# keeps a stranger from locking an editor out everywhere by guessing at their name. An
# address that fails AXES_ADDRESS_FAILURE_LIMIT times, whatever the names, is locked out too
# (kb/curation/sign_in.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 20)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "kb.curation.sign_in.PairAndAddressLimits"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"


def _totp_issuer(device: object) -> str:
    """The name authenticator apps show above a staff account's codes: the site's."""
    return KB_SITE_NAME


# Every staff sign-in takes a second factor after the password (django-otp; docs/curation.md
# "Signing in"): a code from an authenticator app, or a recovery code. A wrong code counts as
# a failed sign-in above; each device also makes the next try wait 1, 2, 4... seconds after
# wrong codes in a row (this factor times a power of two), whichever address they come from.
OTP_TOTP_ISSUER = _totp_issuer
OTP_TOTP_THROTTLE_FACTOR = OTP_STATIC_THROTTLE_FACTOR = 1
# How long a link to set a password (a new editor's, or one a superuser sends) works.
PASSWORD_RESET_TIMEOUT = env_int("KB_PASSWORD_LINK_DAYS", 3) * 24 * 3600

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English is the source language: unprefixed addresses (every one that worked before kb
# was translated) are English; each other language lives under its own prefix (/es/...).
# Adding a language is an entry here, its translation files (locale/) and a migration for
# its content columns (docs/translation.md).
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    ("ar", "العربية"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Each language writes dates its own way (kb/formats/); templates use the named formats.
FORMAT_MODULE_PATH = ["kb.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Settled here from DEBUG as configured, not as Django's test runner later flips it, so tests
# serve static files from the source folders as development does.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

KB_PAGE_SIZE = env_int("KB_PAGE_SIZE", 20)
# Suggestions from the field (/suggest/, kb/reading/suggestions.py): how many one address may
# send in an hour (counted in the cache), the longest message, and the largest request body
# (refused before it is read; a message in a non-Latin script takes up to 9 bytes a
# character once the browser has encoded it).
KB_SUGGESTIONS_PER_HOUR = env_int("KB_SUGGESTIONS_PER_HOUR", 5)
KB_SUGGESTION_MAX_CHARS = env_int("KB_SUGGESTION_MAX_CHARS", 5000)
KB_SUGGESTION_MAX_BYTES = env_int("KB_SUGGESTION_MAX_BYTES", 64 * 1024)
# How the knowledge base names itself in citations, feeds and page titles.
KB_SITE_NAME = os.environ.get("KB_SITE_NAME", "Trafficking Technology Tactics Knowledge Base")

# An address readers may write to the editors at, shown on the About page when set; the
# suggestions form (/suggest/) is always there.
KB_CONTACT_EMAIL = os.environ.get("KB_CONTACT_EMAIL", "").strip()

# The site's public address, which absolute links start with where no request says which
# host a reader used: the downloads, built outside any request. By default the first of
# ALLOWED_HOSTS, over HTTPS when HTTPS is on.
_FIRST_HOST = next((h.lstrip(".") for h in ALLOWED_HOSTS if h.lstrip(".") not in ("", "*")), "")
KB_SITE_URL = (
    os.environ.get("KB_SITE_URL", "").strip().rstrip("/")
    or f"{'https' if HTTPS else 'http'}://{_FIRST_HOST or 'localhost'}"
)

# Email: notifications to contributors and reviewers (kb.curation.notifications). With
# EMAIL_HOST set, Django's SMTP backend sends them; without it, they are printed on the
# console (development). Tests read Django's test outbox.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kb@localhost")

REST_FRAMEWORK = {
    "DEFAULT_PAGINATION_CLASS": "kb.api.pagination.ApiPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # The API is public and read-only: no sessions or CSRF involved.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    # JSON only: people read the API's reference at /api/docs/, a page of this site's own.
    # DRF's browsable pages styled themselves inline (which the security policy blocks) and
    # failed the accessibility checks every other page passes.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{KB_SITE_NAME}: open data API",
    "DESCRIPTION": (
        "Read-only access to the published knowledge base: tactics, countermeasures, sources "
        "and the vocabularies that classify them. Every object carries its permanent URL. "
        "Lists take the same filters as the web pages."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "kb.api.schema.document_error_responses",
        "kb.api.schema.document_filter_values",
        "kb.api.schema.document_licence",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
