"""Brug settings: one file, read from environment variables, sane with none set.

With no variables at all Brug runs on an embedded SQLite database with debug off.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


DEBUG = env_bool("BRUG_DEBUG", False)
SECRET_KEY = env_str("BRUG_SECRET_KEY", "insecure-development-key-change-me-in-production")
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
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.SessionIdleTimeoutMiddleware",
    "identity.middleware.SecondFactorRequiredMiddleware",
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

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / env_str('BRUG_SQLITE_NAME', 'brug.sqlite3')}"),
        conn_max_age=env_int("BRUG_DB_CONN_MAX_AGE", 0),
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
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("BRUG_MANIFEST_STATIC", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("BRUG_MEDIA_ROOT", str(BASE_DIR / "media")))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# The address of this Brug as people reach it, for links in mails sent outside a web request.
BRUG_SITE_URL = env_str("BRUG_SITE_URL", "http://127.0.0.1:8000")
EMAIL_BACKEND = env_str("BRUG_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("BRUG_FROM_EMAIL", "brug@localhost")

TASKS = {
    "default": {
        "BACKEND": env_str("BRUG_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("BRUG_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
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

# Pages: how many rows a list shows at once.
BRUG_PAGE_SIZE = env_int("BRUG_PAGE_SIZE", 25)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("BRUG_LOG_LEVEL", "WARNING")},
}

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
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Brug"
# Sessions: an absolute lifetime, and an idle timeout after which one must sign in again.
SESSION_COOKIE_AGE = env_int("BRUG_SESSION_LIFETIME_HOURS", 12) * 3600
BRUG_SESSION_IDLE_MINUTES = env_int("BRUG_SESSION_IDLE_MINUTES", 60)
