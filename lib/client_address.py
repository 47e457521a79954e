"""Where a request comes from: the one answer for rate limits, logs and the audit trail.

``REMOTE_ADDR`` is the peer that opened the connection. Behind a reverse proxy that peer is the proxy,
and the visitor's address is in ``X-Forwarded-For``, which each proxy extends on the right with the
address it received the request from. Everything left of what our own proxies wrote was written by the
visitor and may be made up. So: only when the peer is one of ``BRUG_TRUSTED_PROXIES`` is the header
read at all, from the right, skipping our own proxies; the first address that is not one of them is the
client. With no trusted proxies (the default) the header is ignored.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "unknown"


@lru_cache(maxsize=8)
def trusted_networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    """``BRUG_TRUSTED_PROXIES`` as networks (a bare address is a network of one)."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"BRUG_TRUSTED_PROXIES: {value!r} is neither an IP address nor a network ({error})."
            ) from error
    return tuple(networks)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 192.0.2.1:443
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The visitor's IP address as text ("unknown" when the peer's address is missing or not an address)."""
    peer = _address(request.META.get("REMOTE_ADDR") or "")
    if peer is None:
        return UNKNOWN
    networks = trusted_networks(tuple(getattr(settings, "BRUG_TRUSTED_PROXIES", ()) or ()))
    if not networks or not _trusted(peer, networks):
        return str(peer)
    client = peer
    for hop in reversed(request.headers.get("X-Forwarded-For", "").split(",")):
        address = _address(hop)
        if address is None:
            # Not written by a proxy of ours: what lies left of it cannot be trusted either.
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
