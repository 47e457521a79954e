"""Browser fixtures (a pytest plugin, loaded by the root conftest): real headless Chromium
(Debian's) driven by Playwright's sync API, one browser per xdist worker.

Playwright's own browser download cannot work here, so the browser is the system's
/usr/bin/chromium. Without it the journeys are skipped with a loud notice, unless
BRUG_REQUIRE_BROWSER=1 (set by .ci/run), where a missing browser fails them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still plain synchronous calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, Page, Playwright, sync_playwright  # noqa: E402

CHROMIUM = Path(os.environ.get("BRUG_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SKIP_NOTICE = f"BROWSER TESTS SKIPPED: no Chromium at {CHROMIUM}"
# Steps are local and fast; a missing element should fail quickly, not after Playwright's 30 s.
TIMEOUT_MS = 10_000


def browser_required() -> bool:
    return os.environ.get("BRUG_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if chromium_available() or browser_required():
        return
    skip = pytest.mark.skip(reason=SKIP_NOTICE)
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not chromium_available() and not browser_required():
        terminalreporter.write_sep("!", SKIP_NOTICE, red=True, bold=True)


class _Shared:
    """One Playwright driver and one Chromium per test process.

    Kept at module level, not only in a fixture, because Playwright's sync API allows one
    driver per thread: a test module elsewhere that imports these fixtures (and so makes
    its own copy of them) must still get this same browser, not start a second driver.
    """

    driver: Playwright | None = None
    browser: Browser | None = None

    @classmethod
    def get_browser(cls) -> Browser:
        if cls.browser is None:
            cls.driver = sync_playwright().start()
            cls.browser = cls.driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        return cls.browser

    @classmethod
    def stop(cls) -> None:
        if cls.browser is not None:
            cls.browser.close()
            cls.browser = None
        if cls.driver is not None:
            cls.driver.stop()
            cls.driver = None


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _Shared.stop()


@pytest.fixture(scope="session")
def playwright_driver() -> Playwright:
    if not chromium_available():
        pytest.fail(f"BRUG_REQUIRE_BROWSER is set but there is no Chromium at {CHROMIUM}", pytrace=False)
    _Shared.get_browser()
    assert _Shared.driver is not None
    return _Shared.driver


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Browser:
    return _Shared.get_browser()


def reinstall_builtin_data() -> None:
    """Live-server tests empty every table when they end, the data that migrations install too."""
    from agreements.builtin import install_builtin_templates
    from assessment.builtin import install_builtin_instruments
    from reflection.builtin import install_builtin

    install_builtin_instruments()
    install_builtin_templates()
    install_builtin()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    """A fresh browser profile per test, speaking Dutch like a Flemish user's browser."""
    reinstall_builtin_data()
    context = browser.new_context(base_url=live_server.url, locale="nl-BE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def log_in(page: Page):
    """Log in through the real login form, as a person would."""

    def log_in_as(username: str, password: str) -> Page:
        page.goto("/login/")
        page.fill("#id_login", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert "/login/" not in page.url, "the login form was refused"
        return page

    return log_in_as
