"""The interactive API docs work in a real browser under the strict CSP, with no other host."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_the_api_docs_render_under_the_csp_and_try_a_call_with_the_session(world, log_in, live_server):
    docs = log_in("coordinator", PASSWORD)
    problems: list[str] = []
    foreign: list[str] = []
    docs.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    docs.on("pageerror", lambda error: problems.append(str(error)))
    own_host = urlsplit(live_server.url).netloc
    docs.on(
        "request",
        lambda request: (
            foreign.append(request.url)
            if urlsplit(request.url).netloc not in ("", own_host) and not request.url.startswith("data:")
            else None
        ),
    )

    docs.goto("/api/docs", wait_until="commit", timeout=30_000)
    # Swagger UI is a large script: give it time on a busy machine.
    expect(docs.locator(".swagger-ui .info .title")).to_contain_text("Brug API", timeout=30_000)
    expect(docs.locator(".opblock-summary-path", has_text="/api/organisations").first).to_be_visible()

    # Try a call from the page: the browser session authenticates it.
    operation = docs.locator("#operations-Organisations-api_routers_organisations_list_organisations")
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    operation.locator("button.execute").click()
    expect(operation.locator(".live-responses-table tbody .response-col_status").first).to_contain_text(
        "200", timeout=15_000
    )
    expect(operation.locator(".live-responses-table")).to_contain_text("Buurtwerk De Brug")

    assert problems == []
    assert foreign == []
