"""Every link on every page a partner can reach opens for the partner: no 404 and no server error.

Walks the demo as TADA's staff member (the partner persona of the demo data), from its home page,
following every link inside the site, as a partner clicking through would.
"""

from __future__ import annotations

import gc
import io
import re
from collections import deque

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from accounts.models import User

SKIP = ("/static/", "/media/", "/admin/", "/auth/logout", "/logout", "/api/")
# PDF downloads are left to their own tests (slow to render).
SKIP_ENDINGS = (".pdf", "/pdf/")
HREF = re.compile(r'href="(/[^"#]*)"')


@pytest.mark.django_db
# Some page of the walk leaves a file of a C library (opened through cffi) to the garbage collector;
# the warnings-as-errors setting would fail the walk for it, not for a broken link. Seen, not fixed here.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_every_link_on_every_partner_page_opens_for_the_partner() -> None:
    with translation.override("en"):
        call_command("load_demo", "--scale", "0.05", stdout=io.StringIO())
    client = Client()
    client.force_login(User.objects.get(username="partner.tada"))
    seen: dict[str, int] = {}
    broken: list[str] = []
    queue: deque[tuple[str, str]] = deque([("/", "")])
    while queue:
        url, came_from = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code in (301, 302):
            queue.append((response["Location"], url))
            continue
        if response.status_code in (404,) or response.status_code >= 500:
            broken.append(f"{url} ({response.status_code}) linked from {came_from}")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode()):
            href = href.replace("&amp;", "&")
            if not href.startswith(SKIP) and not href.endswith(SKIP_ENDINGS) and href not in seen:
                queue.append((href, url))
    # Collect what the walk left behind here, where the warning is ignored, not in the next test.
    gc.collect()
    assert "/partner/" in seen and len(seen) > 20
    assert broken == []
