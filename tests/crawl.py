"""A crawler for the "no path that ends nowhere" test: starting from the header's navigation, it follows
the links a person is shown and records every link that answers 403, 404 or 5xx to that same person.

Every link found is opened (that is what the test is about: a link shown must open), but only a few pages
of each shape (``/organisations/<id>/``) are read for further links, so a crawl of the demo stays bounded
whatever its size.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.test import Client

# Links that are not pages to open: files, the sign-out form, the language switch, the admin's own tree
# (its index is checked, its thousands of change links are Django's), the API's JSON.
SKIPPED_PREFIXES = ("/static/", "/media/", "/accounts/logout", "/i18n/", "/api/v1/", "/calendar/")
# Files (PDF, spreadsheets) are slow to make and have their own tests; the crawl is about pages.
SKIPPED_SUFFIXES = (".pdf", "/pdf/", ".csv", ".xlsx", ".ics", ".json")
PAGES_READ_PER_SHAPE = 1
SHAPE_PARTS = re.compile(r"^(\d+|[0-9a-f]{8}-[0-9a-f-]{27}|[0-9a-f]{32}|[A-Za-z0-9_-]{22,})$")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_in(html: str, base: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        href = urldefrag(href).url
        if not href or href.startswith(("mailto:", "tel:", "javascript:")):
            continue
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            if parts.netloc not in ("", "testserver"):
                continue  # another site: not ours to answer
            href = parts.path + (f"?{parts.query}" if parts.query else "")
        if not href.startswith("/"):
            href = base.rsplit("/", 1)[0] + "/" + href if not href.startswith("?") else base.split("?")[0] + href
        found.append(href)
    return found


def shape(url: str) -> str:
    path = urlsplit(url).path
    return "/".join("*" if SHAPE_PARTS.match(part) else part for part in path.split("/"))


@dataclass
class Crawl:
    visited: dict[str, int] = field(default_factory=dict)
    broken: list[tuple[str, str, int]] = field(default_factory=list)  # (linked from, url, status)
    read_per_shape: dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return len(self.visited)


def crawl(client: Client, start: list[str], *, max_pages: int = 600) -> Crawl:
    """Open ``start`` and every link reachable from it as ``client``'s user."""
    result = Crawl()
    queue: deque[tuple[str, str]] = deque(("(navigation)", url) for url in start)
    while queue and result.pages < max_pages:
        source, url = queue.popleft()
        if url in result.visited or url.startswith(SKIPPED_PREFIXES) or url.split("?")[0].endswith(SKIPPED_SUFFIXES):
            continue
        response = client.get(url)
        status = response.status_code
        result.visited[url] = status
        if status in (403, 404) or status >= 500:
            result.broken.append((source, url, status))
            continue
        if status != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        if url.startswith("/admin/") and url != "/admin/":
            continue
        key = shape(url)
        if result.read_per_shape.get(key, 0) >= PAGES_READ_PER_SHAPE:
            continue
        result.read_per_shape[key] = result.read_per_shape.get(key, 0) + 1
        for link in links_in(response.content.decode(), url):
            if link not in result.visited:
                queue.append((url, link))
    return result
