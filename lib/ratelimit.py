"""A small fixed-window rate limit on Django's cache, for public forms.

Good enough against a script hammering a form from one address; not a defence against a
botnet (that is what the honeypot, the minimum fill time and the confirmation link are for).
With the default local-memory cache each process counts on its own; configure a shared cache
(e.g. Redis or the database cache) when running several processes.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is set by whoever sends the request unless a trusted
    # proxy rewrites it, and that proxy should then set REMOTE_ADDR itself.
    return request.META.get("REMOTE_ADDR") or "unknown"


def hit(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one attempt; True while ``key`` stays within ``limit`` attempts per ``window`` seconds."""
    bucket = int(time.time() // window)
    name = f"ratelimit:{scope}:{key}:{bucket}"
    cache.add(name, 0, timeout=window + 1)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=window + 1)
        count = 1
    return count <= limit
