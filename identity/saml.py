"""SAML attributes as identity providers name them, read under the names Brug's rules use.

A federation's IdP names an attribute by its OID (``urn:oid:0.9.2342.19200300.100.1.3``, with the FriendlyName
``mail``), an older one by ``urn:mace:dir:attribute-def:mail`` or by the bare name; python3-saml hands Brug the
attributes under the name the IdP chose. ``saml_claims`` gives each known attribute under all of its names, so
that the e-mail address is found whichever the IdP used, and the office can write the affiliation attribute as
``eduPersonAffiliation``, its OID, or the OpenID Connect style ``eduperson_affiliation``."""

from __future__ import annotations

from typing import Any

MACE = "urn:mace:dir:attribute-def:"

# The friendly name, then the other names the same attribute goes by.
KNOWN_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "mail": (
        "urn:oid:0.9.2342.19200300.100.1.3",
        "email",
        "urn:oid:1.2.840.113549.1.9.1",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    ),
    "eduPersonAffiliation": ("urn:oid:1.3.6.1.4.1.5923.1.1.1.1", "eduperson_affiliation"),
    "eduPersonScopedAffiliation": ("urn:oid:1.3.6.1.4.1.5923.1.1.1.9", "eduperson_scoped_affiliation"),
    "eduPersonPrincipalName": ("urn:oid:1.3.6.1.4.1.5923.1.1.1.6", "eduperson_principal_name"),
    "givenName": ("urn:oid:2.5.4.42", "given_name"),
    "sn": ("urn:oid:2.5.4.4", "family_name"),
    "displayName": ("urn:oid:2.16.840.1.113730.3.1.241", "display_name"),
}


def _names(friendly: str, others: tuple[str, ...]) -> list[str]:
    names = [friendly, *others]
    return names + [MACE + name for name in names if not name.startswith(("urn:", "http"))]


ALIASES: dict[str, list[str]] = {friendly: _names(friendly, others) for friendly, others in KNOWN_ATTRIBUTES.items()}
BY_NAME: dict[str, str] = {name.lower(): friendly for friendly, names in ALIASES.items() for name in names}


def saml_claims(attributes: dict[str, Any]) -> dict[str, Any]:
    """The IdP's attributes as sent, plus every known attribute under all of its names (and ``email``)."""
    claims: dict[str, Any] = dict(attributes)
    for name, values in attributes.items():
        friendly = BY_NAME.get(str(name).lower())
        if friendly is None or not values:
            continue
        for alias in ALIASES[friendly]:
            claims.setdefault(alias, values)
    return claims


def lookup(claims: dict[str, Any], name: str) -> Any:
    """The claim ``name``; failing that, the same name in other capitals or the same attribute by another name."""
    if name in claims:
        return claims[name]
    wanted = name.strip().lower()
    for key, value in claims.items():
        if str(key).lower() == wanted:
            return value
    friendly = BY_NAME.get(wanted)
    if friendly is not None:
        for alias in ALIASES[friendly]:
            if alias in claims:
                return claims[alias]
    return None
