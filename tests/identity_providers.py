"""Real identity providers on 127.0.0.1 for the sign-in tests, started and stopped by the tests.

OpenID Connect: the certified `oidc-provider` package of the npm registry (`tests/idp/`, installed with
`npm ci` by the Makefile and CI), run with the machine's node. Its development sign-in pages accept any
known login with any password; ``sign_in_at`` fills them as a person would, with plain HTTP requests.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

IDP_DIR = Path(__file__).resolve().parent / "idp"


def oidc_provider_available() -> bool:
    return shutil.which("node") is not None and (IDP_DIR / "node_modules" / "oidc-provider").is_dir()


def require_oidc_provider() -> None:
    if oidc_provider_available():
        return
    notice = "IDENTITY PROVIDER TESTS SKIPPED: run `npm ci` in tests/idp (needs node)"
    if os.environ.get("BRUG_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}:
        pytest.fail(notice, pytrace=False)
    pytest.skip(notice)


@contextmanager
def oidc_provider(clients: list[dict], accounts: dict[str, dict]) -> Iterator[str]:
    """Run an OpenID Connect provider with these clients and accounts; yields its issuer URL."""
    require_oidc_provider()
    env = {**os.environ, "IDP_CONFIG": json.dumps({"clients": clients, "accounts": accounts})}
    process = subprocess.Popen(
        ["node", str(IDP_DIR / "oidc_provider.mjs")],
        cwd=IDP_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        issuer = ""
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("READY "):
                issuer = line.split()[1]
                break
        assert issuer, "the OpenID Connect provider did not start"
        yield issuer
    finally:
        _stop(process)


def _follow(session: requests.Session, response: requests.Response, issuer: str) -> requests.Response:
    while response.status_code in (302, 303):
        target = urljoin(response.url, response.headers["Location"])
        if not target.startswith(issuer):
            break
        response = session.get(target, allow_redirects=False)
    return response


def _form_action(response: requests.Response) -> str:
    match = re.search(r'<form[^>]*action="([^"]+)"', response.text)
    assert match, f"no form on the provider's page: {response.text[:300]}"
    return urljoin(response.url, match.group(1))


def sign_in_at(authorize_url: str, issuer: str, login: str) -> str:
    """Sign in at the provider as ``login`` and give consent; returns the URL it sends the browser back to."""
    session = requests.Session()
    page = _follow(session, session.get(authorize_url, allow_redirects=False), issuer)
    page = _follow(
        session,
        session.post(
            _form_action(page), data={"prompt": "login", "login": login, "password": "any"}, allow_redirects=False
        ),
        issuer,
    )
    if page.status_code == 200 and 'value="consent"' in page.text:
        page = _follow(
            session, session.post(_form_action(page), data={"prompt": "consent"}, allow_redirects=False), issuer
        )
    assert page.status_code in (302, 303), f"the provider did not send the browser back: {page.status_code}"
    return urljoin(page.url, page.headers["Location"])


def cancel_at(authorize_url: str, issuer: str) -> str:
    """Cancel at the provider's sign-in page; returns the error answer it sends the browser back with."""
    session = requests.Session()
    page = _follow(session, session.get(authorize_url, allow_redirects=False), issuer)
    abort = re.search(r'href="([^"]+/abort)"', page.text)
    assert abort, "no cancel link on the provider's page"
    response = session.get(urljoin(page.url, abort.group(1)), allow_redirects=False)
    response = _follow(session, response, issuer)
    return urljoin(response.url, response.headers["Location"])


def saml_provider_available() -> bool:
    return shutil.which("xmlsec1") is not None


@contextmanager
def saml_provider(accounts: dict[str, dict[str, list[str]]], *, name_format: str = "uri") -> Iterator[str]:
    """Run the pysaml2 identity provider of tests/idp with these accounts; yields its base URL
    (its metadata is at ``<base>/metadata``). It names attributes by OID with a FriendlyName, as the IdPs of a
    research federation do (``name_format="uri"``), or as ``urn:mace:dir:attribute-def:...`` ("basic")."""
    if not saml_provider_available():
        notice = "SAML IDENTITY PROVIDER TESTS SKIPPED: no xmlsec1 (apt-get install xmlsec1)"
        if os.environ.get("BRUG_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}:
            pytest.fail(notice, pytrace=False)
        pytest.skip(notice)
    env = {
        **os.environ,
        "IDP_CONFIG": json.dumps({"accounts": accounts, "name_format": name_format}),
        "PYTHONWARNINGS": "ignore",
    }
    # BRUG_IDP_LOG=<file> keeps the provider's own error output, to see why it refused something.
    log = open(os.environ.get("BRUG_IDP_LOG", os.devnull), "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, str(IDP_DIR / "saml_idp.py")], env=env, stdout=subprocess.PIPE, stderr=log, text=True
    )
    try:
        base = ""
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("READY "):
                base = line.split()[1]
                break
        assert base, "the SAML identity provider did not start"
        yield base
    finally:
        _stop(process)
        log.close()


def saml_sign_in_at(sso_url: str, login: str, *, cancel: bool = False) -> tuple[str, dict[str, str]]:
    """Sign in at the SAML provider as ``login`` (or press its Cancel button); returns where its page posts back
    and the posted fields. An unknown login or a cancel gets the IdP's answer with an error status."""
    session = requests.Session()
    page = session.get(sso_url)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    choice = {"cancel": "1"} if cancel else {"login": login}
    answer = session.post(urljoin(page.url, "/sso"), data={**html_unescape(fields), **choice})
    assert answer.status_code == 200, answer.text[:300]
    action = re.search(r'<form[^>]*action="([^"]+)"', answer.text).group(1)
    posted = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', answer.text))
    return html.unescape(action), html_unescape(posted)


def another_certificate() -> str:
    """A self-signed certificate of a new key (base64 DER, as in metadata): what an IdP has after changing keys."""
    import base64
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Another key")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()


def html_unescape(fields: dict[str, str]) -> dict[str, str]:
    return {key: html.unescape(value) for key, value in fields.items()}


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()
