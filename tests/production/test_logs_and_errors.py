"""Structured log lines with a request id, server errors by mail to ADMINS and to Sentry."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.test import Client

from tests.production.helpers import STRONG_KEY, run_python


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_every_response_carries_a_request_id_and_a_given_one_is_kept(client, db):
    made = client.get("/login/")
    assert len(made["X-Request-ID"]) == 32
    assert client.get("/login/", HTTP_X_REQUEST_ID="lb-7f3a.19")["X-Request-ID"] == "lb-7f3a.19"
    # An id that could forge a log line is replaced.
    forged = client.get("/login/", HTTP_X_REQUEST_ID='x" injected\\n{"level": "error"}')["X-Request-ID"]
    assert forged != 'x" injected\\n{"level": "error"}' and len(forged) == 32


def test_each_request_writes_one_json_line_with_its_id_on_standard_output(client, db, capsys):
    client.get("/login/", HTTP_X_REQUEST_ID="req-42")
    lines = [line for line in _lines(capsys.readouterr().out) if line["logger"] == "brug.requests"]
    assert len(lines) == 1
    line = lines[0]
    assert (line["request_id"], line["method"], line["path"], line["status"]) == ("req-42", "GET", "/login/", 200)
    assert line["level"] == "info" and isinstance(line["duration_ms"], float)


@pytest.mark.urls("tests.production.urls_failing")
def test_a_server_error_is_mailed_to_the_admins_and_logged_with_its_request_id(db, settings, capsys):
    settings.ADMINS = [("Ops", "ops@brug.example")]
    response = Client(raise_request_exception=False).get("/failing/", HTTP_X_REQUEST_ID="boom-1")
    assert response.status_code == 500
    assert b"Traceback" not in response.content  # no debug page
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ops@brug.example"]
    assert "Internal Server Error: /failing/" in mail.outbox[0].subject
    assert "the partner register is unreachable" in mail.outbox[0].body
    errors = [line for line in _lines(capsys.readouterr().out) if line["level"] == "error"]
    assert errors and errors[0]["request_id"] == "boom-1"
    assert "RuntimeError: the partner register is unreachable" in errors[0]["exception"]


def test_without_admins_a_server_error_sends_no_mail(db, settings):
    settings.ROOT_URLCONF = "tests.production.urls_failing"
    settings.ADMINS = []
    assert Client(raise_request_exception=False).get("/failing/").status_code == 500
    assert mail.outbox == []


SENTRY_STATE = (
    "import django; django.setup(); import sentry_sdk; client = sentry_sdk.get_client(); "
    "print(client.is_active(), client.dsn, client.options.get('send_default_pii'))"
)


def test_sentry_starts_only_when_a_dsn_is_set(tmp_path):
    # A DSN on a closed local port: nothing can be sent, and starting must not wait for it.
    dsn = "http://public@127.0.0.1:9/1"
    on = run_python(SENTRY_STATE, BRUG_SECRET_KEY=STRONG_KEY, SENTRY_DSN=dsn)
    assert on.returncode == 0, on.stderr
    assert on.stdout.split() == ["True", dsn, "False"]
    (tmp_path / "dsn").write_text(dsn)
    from_file = run_python(SENTRY_STATE, BRUG_SECRET_KEY=STRONG_KEY, SENTRY_DSN_FILE=str(tmp_path / "dsn"))
    assert from_file.stdout.split()[0] == "True"
    off = run_python(SENTRY_STATE, BRUG_SECRET_KEY=STRONG_KEY)
    assert off.returncode == 0, off.stderr
    assert off.stdout.split()[0] == "False"
