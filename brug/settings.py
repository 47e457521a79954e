"""Brug settings: one file, read from environment variables through the typed helpers of brug.env.

With no variables at all Brug runs on an embedded SQLite database with debug off, and then needs a
secret key of its own (`make run` makes one). A value that is not what a variable needs stops Brug
with a message naming the variable. Every variable is listed in the README's configuration table.
"""

import json
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from brug.env import env_bool, env_choice, env_float, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("BRUG_DEBUG", False)
# Never a public default with debug off: anyone could sign sessions, reset links and calendar tokens.
SECRET_KEY = env_secret("BRUG_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "BRUG_SECRET_KEY (or BRUG_SECRET_KEY_FILE, a file holding it) must be set when debug is off. "
            "Make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'. "
            "`make run` makes and keeps one in .brug-secret-key; `make dev` runs with BRUG_DEBUG=1."
        )
    SECRET_KEY = "insecure-development-key-only-with-debug-on"
ALLOWED_HOSTS = env_list("BRUG_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("BRUG_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    # Brug, foundation first
    "lib",
    "audit",
    "network",
    "accounts",
    "mail",
    "operations",
    "partnerships",
    "engagements",
    "assessment",
    "reports",
    "imports",
    "reflection",
    "places",
    "matching",
    "agreements",
    "identity",
    "web",
    "api",
    "demo",
]

MIDDLEWARE = [
    "lib.request_id.RequestIdMiddleware",
    "brug.probes.ProbesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "accounts.middleware.ScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.SessionIdleTimeoutMiddleware",
    "identity.middleware.SecondFactorRequiredMiddleware",
    "identity.middleware.SignInAnswerMiddleware",
]

ROOT_URLCONF = "brug.urls"
WSGI_APPLICATION = "brug.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "web.navigation.navigation",
            ],
        },
    },
]

_DB_CONN_MAX_AGE = env_int("BRUG_DB_CONN_MAX_AGE", 0, minimum=0)
DATABASES = {
    "default": dj_database_url.parse(
        env_secret("DATABASE_URL") or f"sqlite:///{BASE_DIR / env_str('BRUG_SQLITE_NAME', 'brug.sqlite3')}",
        conn_max_age=_DB_CONN_MAX_AGE,
        # A kept connection that the server dropped meanwhile is replaced instead of failing a request.
        conn_health_checks=_DB_CONN_MAX_AGE > 0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates as written in Belgium (day, month, year), not Django's American default.
FORMAT_MODULE_PATH = ["brug.formats"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("BRUG_MEDIA_ROOT", str(BASE_DIR / "media")))
# Every file goes through this storage: a folder by default, shared or S3-compatible storage with
# django-storages (docs/deployment.md), e.g. storages.backends.s3.S3Storage with its options as JSON.
_MEDIA_STORAGE_OPTIONS = env_secret("BRUG_MEDIA_STORAGE_OPTIONS")
try:
    _MEDIA_OPTIONS = json.loads(_MEDIA_STORAGE_OPTIONS) if _MEDIA_STORAGE_OPTIONS else {}
except ValueError:
    raise ImproperlyConfigured("BRUG_MEDIA_STORAGE_OPTIONS must be a JSON object.") from None
if not isinstance(_MEDIA_OPTIONS, dict):
    raise ImproperlyConfigured("BRUG_MEDIA_STORAGE_OPTIONS must be a JSON object.")
_MANIFEST_STATIC = env_bool("BRUG_MANIFEST_STATIC", False)
STORAGES = {
    "default": {
        "BACKEND": env_str("BRUG_MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": _MEDIA_OPTIONS,
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if _MANIFEST_STATIC
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Collected, hashed files in production (collectstatic at build time); the source folders otherwise.
WHITENOISE_USE_FINDERS = not _MANIFEST_STATIC
WHITENOISE_AUTOREFRESH = DEBUG

# One cache for every process: rate-limit counters, the network drawing, import progress, sessions
# if asked. Redis (redis://host:6379/0) shares it between machines; the default, a folder of files,
# between the processes of one machine (the web server and the worker of `make run`).
_CACHE_URL = env_secret("BRUG_CACHE_URL") or f"file://{BASE_DIR / '.brug-cache'}"
_cache = urlsplit(_CACHE_URL)
if _cache.scheme in {"redis", "rediss", "unix"}:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}}
elif _cache.scheme == "file" and _cache.path:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": _cache.path}}
elif _cache.scheme == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": _cache.netloc}}
else:
    raise ImproperlyConfigured(
        "BRUG_CACHE_URL must start with redis://, rediss://, unix://, file:///a/folder or locmem://."
    )
CACHES["default"]["KEY_PREFIX"] = env_str("BRUG_CACHE_PREFIX", "brug")
# Sessions stay in the database unless asked: in the cache alone, flushing it logs everyone out.
if env_bool("BRUG_SESSIONS_IN_CACHE", False):
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"

# The address of this Brug as people reach it, for links in mails sent outside a web request.
BRUG_SITE_URL = env_str("BRUG_SITE_URL", "http://127.0.0.1:8000")
EMAIL_HOST = env_str("BRUG_EMAIL_HOST", "")
# An SMTP server once its host is set; mail is printed on the console otherwise.
EMAIL_BACKEND = env_str(
    "BRUG_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("BRUG_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("BRUG_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_secret("BRUG_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("BRUG_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("BRUG_EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set BRUG_EMAIL_USE_TLS (STARTTLS, port 587) or BRUG_EMAIL_USE_SSL (465), not both.")
EMAIL_TIMEOUT = env_int("BRUG_EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env_str("BRUG_FROM_EMAIL", "brug@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def _admins(value: list[str]) -> list[tuple[str, str]]:
    """ "Ann <ann@example.org>, ops@example.org" -> [("Ann", "ann@example.org"), ("ops", "ops@example.org")]."""
    found = []
    for item in value:
        name, _sep, address = item.rpartition("<")
        address = address.rstrip(">").strip()
        if "@" not in address:
            raise ImproperlyConfigured(f"BRUG_ADMINS: {item!r} is not an e-mail address.")
        found.append((name.strip() or address.split("@")[0], address))
    return found


# Who receives server errors by mail (with debug off).
ADMINS = _admins(env_list("BRUG_ADMINS", []))

TASKS = {
    "default": {
        "BACKEND": env_str("BRUG_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Work that survives a crash (operations.workers, mail.services): a task whose worker stopped
# beating for the lease is run again by another worker, up to the attempts; mail is retried after
# the retry seconds, doubling each time, up to its attempts, then shown to the office.
BRUG_WORKER_HEARTBEAT_SECONDS = env_int("BRUG_WORKER_HEARTBEAT_SECONDS", 5)
BRUG_WORKER_LEASE_SECONDS = env_int("BRUG_WORKER_LEASE_SECONDS", 60)
BRUG_TASK_MAX_ATTEMPTS = env_int("BRUG_TASK_MAX_ATTEMPTS", 3)
BRUG_MAIL_RETRY_SECONDS = env_int("BRUG_MAIL_RETRY_SECONDS", 60)
BRUG_MAIL_MAX_ATTEMPTS = env_int("BRUG_MAIL_MAX_ATTEMPTS", 8)
# The periodic jobs (manage.py scheduler): a module with a SCHEDULE list.
BRUG_SCHEDULE_MODULE = env_str("BRUG_SCHEDULE_MODULE", "brug.schedule")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("BRUG_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HTTPS: redirect plain HTTP, tell browsers to come back over HTTPS only (HSTS), and believe the
# reverse proxy's header saying the original request was HTTPS (only set it behind such a proxy).
SECURE_SSL_REDIRECT = env_bool("BRUG_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("BRUG_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("BRUG_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("BRUG_HSTS_PRELOAD", False)
_PROXY_SSL_HEADER = env_str("BRUG_PROXY_SSL_HEADER", "").strip()
if _PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Map tiles for the neighbourhood maps: a URL template like https://tile.example.org/{z}/{x}/{y}.png.
# Empty: no tiles are fetched and the maps show their points on a plain background.
BRUG_TILE_URL = env_str("BRUG_TILE_URL", "")
# Its origin (a {s} subdomain as a wildcard) is the only outside address images may come from.
_tile = urlsplit(BRUG_TILE_URL.replace("{s}", "*"))
_TILE_ORIGINS = [f"{_tile.scheme}://{_tile.netloc}"] if BRUG_TILE_URL else []

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *_TILE_ORIGINS],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Reverse proxies in front of Brug (comma-separated IPs or networks, e.g. 10.0.0.0/8): only requests
# from these have their X-Forwarded-For read for the client's address (lib.client_address). Empty: the
# connecting address is the client. Rate-limit counters live in the default cache.
BRUG_TRUSTED_PROXIES = env_list("BRUG_TRUSTED_PROXIES", [])
RATELIMIT_USE_CACHE = "default"
RATELIMIT_IP_META_KEY = "lib.client_address.client_address"

# Pages: how many rows a list shows at once.
BRUG_PAGE_SIZE = env_int("BRUG_PAGE_SIZE", 25)

# Logs: one JSON object per line on standard output (or readable text for development), each with
# the request id; a line per request from brug.requests; server errors also by mail to ADMINS.
_LOG_LEVEL = env_choice("BRUG_LOG_LEVEL", "warning", {"debug", "info", "warning", "error", "critical"}).upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "lib.structured_logs.RequestIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "json": {"()": "lib.structured_logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "lib.structured_logs.StdoutHandler",
            "formatter": env_choice("BRUG_LOG_FORMAT", "json", {"json", "text"}),
            "filters": ["request_id"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": _LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console", "mail_admins"], "level": _LOG_LEVEL, "propagate": False},
        # The access log: one line per request, whatever the level of the rest.
        "brug.requests": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Django's own per-request 4xx warnings repeat brug.requests' line.
        "django.request": {"handlers": ["console", "mail_admins"], "level": "ERROR", "propagate": False},
        # The retention run's counts per kind are always written.
        "brug.privacy": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Server errors to Sentry as well, when a DSN is set (sentry-sdk; nothing is sent without one).
SENTRY_DSN = env_secret("SENTRY_DSN")
if SENTRY_DSN:
    from brug.sentry import start_sentry

    start_sentry(
        SENTRY_DSN,
        environment=env_str("BRUG_SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=env_float("BRUG_SENTRY_TRACES_SAMPLE_RATE", 0.0),
    )
# Sign-in (django-allauth): local accounts, password reset, second factor, throttling, see docs/sign-in.md.
ACCOUNT_ADAPTER = "identity.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "identity.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Brug: "
# Partner staff without a password sign in with a one-time code mailed to them.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
BRUG_INVITATION_DAYS = env_int("BRUG_INVITATION_DAYS", 14)
# Failed sign-ins: per account (whatever name or address it is tried with) and per client address.
BRUG_LOGIN_FAILURES_PER_ACCOUNT = env_int("BRUG_LOGIN_FAILURES_PER_ACCOUNT", 5)
BRUG_LOGIN_FAILURES_PER_ADDRESS = env_int("BRUG_LOGIN_FAILURES_PER_ADDRESS", 20)
BRUG_LOGIN_LOCKOUT_MINUTES = env_int("BRUG_LOGIN_LOCKOUT_MINUTES", 15)
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"{BRUG_LOGIN_FAILURES_PER_ADDRESS}/{BRUG_LOGIN_LOCKOUT_MINUTES}m/ip,"
    f"{BRUG_LOGIN_FAILURES_PER_ACCOUNT}/{BRUG_LOGIN_LOCKOUT_MINUTES}m/key",
}
MFA_ADAPTER = "identity.adapters.MFAAdapter"
SOCIALACCOUNT_ADAPTER = "identity.adapters.SocialAccountAdapter"
# The institution's button is a link straight to its provider (Brug's CSP lets forms post only to Brug).
SOCIALACCOUNT_LOGIN_ON_GET = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Brug"
# Sessions: an absolute lifetime, and an idle timeout after which one must sign in again.
SESSION_COOKIE_AGE = env_int("BRUG_SESSION_LIFETIME_HOURS", 12) * 3600
BRUG_SESSION_IDLE_MINUTES = env_int("BRUG_SESSION_IDLE_MINUTES", 60)
