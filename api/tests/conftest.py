"""Fixtures of the API tests."""

from collections.abc import Callable

import pytest

from api.tests.support import ApiClient


@pytest.fixture
def api_as() -> Callable[..., ApiClient]:
    """``api_as(user)`` is a client calling with ``user``'s token; ``api_as(None)`` calls anonymously."""
    return ApiClient
