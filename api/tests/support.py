"""Test support: an API client per persona (each request carries that user's own bearer token), and a
query counter to show that a list costs the same whatever its length."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ApiToken, User


class ApiClient:
    def __init__(self, user: User | None, *, accept_language: str | None = "en", **headers: str) -> None:
        self.client = Client()
        # Assertions read English messages; the language tests choose their own header, or none.
        self.headers = dict(headers)
        if accept_language:
            self.headers["Accept-Language"] = accept_language
        if user is not None:
            token, key = ApiToken.issue(user, "tests")
            # As if just used: a token's use is written at most once an hour, so query counts in tests do not
            # depend on which call comes first.
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
            self.headers["Authorization"] = f"Bearer {key}"

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any) -> Any:
        return self.client.get(f"/api{path}", data=params, headers={**self.headers, **(headers or {})})

    def post(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        return self._send("post", path, body, headers)

    def patch(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        return self._send("patch", path, body, headers)

    def _send(self, method: str, path: str, body: Any, headers: dict[str, str] | None) -> Any:
        return getattr(self.client, method)(
            f"/api{path}",
            data=json.dumps(body, default=str),
            content_type="application/json",
            headers={**self.headers, **(headers or {})},
        )


def count_queries(call: Callable[[], Any]) -> int:
    """Run ``call`` (a request that must succeed) and say how many SQL queries it took."""
    with CaptureQueriesContext(connection) as context:
        response = call()
    assert response.status_code == 200, response.content
    return len(context.captured_queries)
