"""A SAML 2.0 identity provider for the sign-in tests, built on pysaml2 (which signs with Debian's xmlsec1).

Run with Brug's Python: ``python tests/idp/saml_idp.py``. Its accounts come as JSON in IDP_CONFIG:
``{"accounts": {"login": {"mail": [...], "eduPersonAffiliation": [...]}}, "name_format": "uri"}``. Like the
IdPs of a research federation it names attributes by OID with a FriendlyName (``name_format`` "uri", the
default: ``urn:oid:0.9.2342.19200300.100.1.3`` "mail"), or, with "basic", as ``urn:mace:dir:attribute-def:mail``.

It makes a signing key and certificate of its own at start, listens on a free port of 127.0.0.1, serves its
metadata at ``/metadata``, and prints ``READY <base URL>``. The sign-in page asks for a login only; ``/sso``
answers an AuthnRequest (HTTP-Redirect binding) with a signed response posted back (HTTP-POST binding) to the
request's ACS URL; an unknown login or the "Cancel" button gets a signed answer with an error status instead.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import sys
import tempfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.s_utils import UnknownPrincipal
from saml2.saml import NAME_FORMAT_BASIC, NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.samlp import STATUS_AUTHN_FAILED
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

CONFIG = json.loads(os.environ.get("IDP_CONFIG", "{}"))
ACCOUNTS: dict[str, dict[str, list[str]]] = CONFIG.get("accounts", {})
NAME_FORMAT = NAME_FORMAT_BASIC if CONFIG.get("name_format") == "basic" else NAME_FORMAT_URI


def make_key_and_certificate(folder: Path) -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Brug test IdP")])
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
    key_file, cert_file = folder / "idp.key", folder / "idp.crt"
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return str(key_file), str(cert_file)


def make_server(base: str, folder: Path) -> Server:
    key_file, cert_file = make_key_and_certificate(folder)
    config = IdPConfig()
    config.load(
        {
            "entityid": f"{base}/metadata",
            "service": {
                "idp": {
                    "endpoints": {"single_sign_on_service": [(f"{base}/sso", BINDING_HTTP_REDIRECT)]},
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    "want_authn_requests_signed": False,
                    "policy": {"default": {"lifetime": {"minutes": 15}, "name_form": NAME_FORMAT}},
                }
            },
            "key_file": key_file,
            "cert_file": cert_file,
            "xmlsec_binary": "/usr/bin/xmlsec1",
            "metadata": {},
        }
    )
    return Server(config=config)


class Handler(BaseHTTPRequestHandler):
    server_version = "BrugTestIdP"
    idp: Server
    base: str

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def answer(self, status: int, body: str, content_type: str = "text/html; charset=utf-8") -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        if parts.path == "/metadata":
            self.answer(200, str(entity_descriptor(self.idp.config)), "application/samlmetadata+xml")
        elif parts.path == "/sso":
            fields = "".join(
                f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in query.items()
            )
            self.answer(
                200,
                "<!doctype html><html><head><title>Test IdP</title></head><body><h1>Test IdP</h1>"
                f'<form method="post" action="/sso">{fields}'
                '<label for="login">Login</label> <input id="login" name="login" required>'
                '<button type="submit">Sign in</button> '
                '<button type="submit" name="cancel" value="1" formnovalidate>Cancel</button></form></body></html>',
            )
        else:
            self.answer(404, "not found", "text/plain")

    def trust(self, entity_id: str, acs_url: str) -> None:
        """A test IdP answers any service provider that asks: it learns the SP from its request."""
        known = set(self.idp.metadata.keys())  # the store itself has no working `in`
        if entity_id in known:
            return
        self.idp.metadata.load(
            "inline",
            f'<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{html.escape(entity_id)}">'
            '<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
            '<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
            f'Location="{html.escape(acs_url)}" index="1"/></md:SPSSODescriptor></md:EntityDescriptor>',
        )

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
        if urlsplit(self.path).path != "/sso":
            self.answer(404, "not found", "text/plain")
            return
        request = self.idp.parse_authn_request(form["SAMLRequest"], BINDING_HTTP_REDIRECT)
        message = request.message
        login = form.get("login", "")
        self.trust(message.issuer.text, message.assertion_consumer_service_url)
        signing = {"sign_alg": SIG_RSA_SHA256, "digest_alg": DIGEST_SHA256}
        if form.get("cancel") or login not in ACCOUNTS:
            # What a real IdP answers when the person gives up or is not known there: an error status.
            info = (
                (STATUS_AUTHN_FAILED, "The user cancelled the sign-in.")
                if form.get("cancel")
                else UnknownPrincipal(f"No account {login!r} here.")
            )
            response = self.idp.create_error_response(
                message.id, message.assertion_consumer_service_url, info, sign=True, **signing
            )
        else:
            response = self.idp.create_authn_response(
                identity=ACCOUNTS[login],
                in_response_to=message.id,
                destination=message.assertion_consumer_service_url,
                sp_entity_id=message.issuer.text,
                name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=login),
                authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password", "authn_auth": self.base},
                sign_response=True,
                sign_assertion=True,
                # Brug (python3-saml) refuses the deprecated SHA-1 that pysaml2 would sign with by default.
                **signing,
            )
        post = self.idp.apply_binding(
            BINDING_HTTP_POST,
            str(response),
            message.assertion_consumer_service_url,
            relay_state=form.get("RelayState", ""),
            response=True,
        )
        self.answer(200, post["data"])


def main() -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    with tempfile.TemporaryDirectory() as folder:
        Handler.idp = make_server(base, Path(folder))
        Handler.base = base
        print(f"READY {base}", flush=True)
        httpd.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
