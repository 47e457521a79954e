"""Settings that refuse mistakes: Brug stops with a message naming the variable instead of guessing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from brug import env
from tests.production.helpers import STRONG_KEY, read_settings, refusal


def test_brug_refuses_to_start_with_debug_off_and_no_secret_key_of_its_own():
    message = refusal()
    assert "BRUG_SECRET_KEY" in message and "debug is off" in message


def test_without_brug_debug_nothing_serves_a_debug_page():
    found = read_settings("DEBUG", "SECRET_KEY", BRUG_SECRET_KEY=STRONG_KEY)
    assert found == {"DEBUG": False, "SECRET_KEY": STRONG_KEY}


def test_with_debug_explicitly_on_a_development_key_is_allowed():
    found = read_settings("DEBUG", "SECRET_KEY", BRUG_DEBUG="1")
    assert found["DEBUG"] is True
    assert "insecure" in found["SECRET_KEY"]


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("BRUG_DEBUG", "maybe", "must be a boolean"),
        ("BRUG_SSL_REDIRECT", "yes please", "must be a boolean"),
        ("BRUG_HSTS_SECONDS", "one year", "must be a whole number"),
        ("BRUG_EMAIL_PORT", "0", "must be 1 or more"),
        ("BRUG_LOG_LEVEL", "loud", "must be one of"),
        ("BRUG_CACHE_URL", "memcached://127.0.0.1", "BRUG_CACHE_URL must start with"),
        ("BRUG_ADMINS", "Ops team", "not an e-mail address"),
    ],
)
def test_a_value_that_is_not_what_the_variable_needs_stops_brug_naming_it(name, value, said):
    message = refusal(BRUG_SECRET_KEY=STRONG_KEY, **{name: value})
    assert name in message and said in message


def test_secrets_come_from_files(tmp_path):
    (tmp_path / "key").write_text(STRONG_KEY + "\n")
    (tmp_path / "db").write_text("postgres://brug:s3cret@db.example:5432/brug\n")
    (tmp_path / "smtp").write_text("mail-password\n")
    found = read_settings(
        "SECRET_KEY",
        "DATABASES",
        "EMAIL_HOST_PASSWORD",
        BRUG_SECRET_KEY_FILE=str(tmp_path / "key"),
        DATABASE_URL_FILE=str(tmp_path / "db"),
        BRUG_EMAIL_PASSWORD_FILE=str(tmp_path / "smtp"),
    )
    assert found["SECRET_KEY"] == STRONG_KEY
    assert found["DATABASES"]["default"]["HOST"] == "db.example"
    assert found["DATABASES"]["default"]["PASSWORD"] == "s3cret"
    assert found["EMAIL_HOST_PASSWORD"] == "mail-password"


def test_a_secret_given_twice_or_in_a_missing_file_is_refused(tmp_path):
    (tmp_path / "key").write_text(STRONG_KEY)
    both = refusal(BRUG_SECRET_KEY=STRONG_KEY, BRUG_SECRET_KEY_FILE=str(tmp_path / "key"))
    assert "Set BRUG_SECRET_KEY or BRUG_SECRET_KEY_FILE, not both" in both
    missing = refusal(BRUG_SECRET_KEY_FILE=str(tmp_path / "nowhere"))
    assert "BRUG_SECRET_KEY_FILE names" in missing and "cannot be read" in missing


def test_the_smtp_server_is_configured_by_settings():
    found = read_settings(
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_HOST_USER",
        "EMAIL_HOST_PASSWORD",
        "EMAIL_USE_TLS",
        "EMAIL_USE_SSL",
        BRUG_SECRET_KEY=STRONG_KEY,
        BRUG_EMAIL_HOST="smtp.example.org",
        BRUG_EMAIL_PORT="587",
        BRUG_EMAIL_USER="brug",
        BRUG_EMAIL_PASSWORD="pw",
        BRUG_EMAIL_USE_TLS="true",
    )
    assert found == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "brug",
        "EMAIL_HOST_PASSWORD": "pw",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }
    assert "not both" in refusal(BRUG_SECRET_KEY=STRONG_KEY, BRUG_EMAIL_USE_TLS="1", BRUG_EMAIL_USE_SSL="1")


def test_https_headers_and_the_proxy_header_are_settings():
    found = read_settings(
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        BRUG_SECRET_KEY=STRONG_KEY,
        BRUG_SSL_REDIRECT="on",
        BRUG_HSTS_SECONDS="31536000",
        BRUG_HSTS_INCLUDE_SUBDOMAINS="yes",
        BRUG_HSTS_PRELOAD="true",
        BRUG_PROXY_SSL_HEADER="X-Forwarded-Proto",
        BRUG_SECURE_COOKIES="1",
    )
    assert found == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }


def test_kept_database_connections_are_health_checked():
    kept = read_settings("DATABASES", BRUG_SECRET_KEY=STRONG_KEY, BRUG_DB_CONN_MAX_AGE="600")["DATABASES"]["default"]
    assert (kept["CONN_MAX_AGE"], kept["CONN_HEALTH_CHECKS"]) == (600, True)
    closed = read_settings("DATABASES", BRUG_SECRET_KEY=STRONG_KEY)["DATABASES"]["default"]
    assert (closed["CONN_MAX_AGE"], closed["CONN_HEALTH_CHECKS"]) == (0, False)


def test_a_redis_cache_url_shares_one_cache_and_sessions_can_live_in_it():
    found = read_settings(
        "CACHES",
        "SESSION_ENGINE",
        BRUG_SECRET_KEY=STRONG_KEY,
        BRUG_CACHE_URL="redis://127.0.0.1:6379/3",
        BRUG_SESSIONS_IN_CACHE="true",
    )
    assert found["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert found["CACHES"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/3"
    assert found["SESSION_ENGINE"] == "django.contrib.sessions.backends.cache"
    default = read_settings("CACHES", "SESSION_ENGINE", BRUG_SECRET_KEY=STRONG_KEY)
    assert default["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert default["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


# The helpers themselves, in this process.


def test_the_boolean_helper_takes_the_usual_words_and_nothing_else(monkeypatch):
    for word, meaning in [("1", True), ("TRUE", True), (" yes ", True), ("on", True), ("0", False), ("off", False)]:
        monkeypatch.setenv("BRUG_TEST_FLAG", word)
        assert env.env_bool("BRUG_TEST_FLAG") is meaning
    monkeypatch.setenv("BRUG_TEST_FLAG", "")
    assert env.env_bool("BRUG_TEST_FLAG", True) is True
    monkeypatch.setenv("BRUG_TEST_FLAG", "enabled")
    with pytest.raises(ImproperlyConfigured, match="BRUG_TEST_FLAG must be a boolean"):
        env.env_bool("BRUG_TEST_FLAG")
