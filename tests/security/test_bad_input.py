"""Finding 7: bad input gets a message, never a 500 or a disguise. Every list with a search (web pages found
in the URLconf, API operations in the OpenAPI document) answers a 60,000-character search with a message;
photo bombs and oversized photos are refused; mail subjects and plain-text bodies show names as written;
direction overrides do not reach names; a superuser of no institution is told why there are no
suggestions."""

from __future__ import annotations

import datetime as dt
import re
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import User
from api.api import api
from api.tests.support import ApiClient
from lib.text import SEARCH_MAX_LENGTH, without_bidi_controls
from matching.tests.helpers import make_need
from network.models import Organisation, Person, SofarRole
from network.services import RoleSpec, create_person, update_organisation
from reflection.models import CasePhoto
from reflection.services import create_case
from reflection.tests.helpers import png_upload
from tests import factories as f

HUGE = "x" * 60_000
TOO_LONG = re.compile(r"at most \d+ characters")


def _static_routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    """Every URL of the URLconf without a parameter, as a path."""
    found: list[str] = []
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            if "<" not in route and not route.startswith(("admin/", "api/", "^")):
                found += _static_routes(entry, prefix + route)
        elif isinstance(entry, URLPattern) and "<" not in route and "(?P" not in route:
            found.append("/" + prefix + route.lstrip("^").rstrip("$"))
    return found


def _search_lists() -> list[str]:
    return [p for p in _static_routes(get_resolver()) if p not in ("/logout/",)]


def test_the_route_list_finds_the_searchable_lists():
    routes = _search_lists()
    assert {"/organisations/", "/people/", "/partnerships/", "/cases/", "/agreements/"} <= set(routes)


@pytest.mark.parametrize("persona", ["coordinator", None])
def test_a_60000_character_search_on_any_page_gets_a_message_not_a_500(world, persona):
    User.objects.update(language="en")
    client = Client(raise_request_exception=False)
    if persona:
        client.force_login(getattr(world, persona))
    searched = 0
    for route in _search_lists():
        response = client.get(route, {"q": HUGE, "search": HUGE, "term": HUGE}, headers={"Accept-Language": "en"})
        assert response.status_code < 500, route
        body = response.content.decode(errors="replace") if response.get("Content-Type", "").startswith("text") else ""
        if 'name="q"' in body and response.status_code == 200:
            assert TOO_LONG.search(body), f"{route} shows no message next to the search field"
            searched += 1
    assert searched >= (8 if persona else 1)


def _api_lists_with_search() -> list[str]:
    document = api.get_openapi_schema(path_prefix="")
    return [
        path
        for path, operations in document["paths"].items()
        if "{" not in path
        and "get" in operations
        and any(p["name"] == "q" and p["in"] == "query" for p in operations["get"].get("parameters", []))
    ]


def test_a_60000_character_search_on_any_api_list_gets_a_422_with_a_message(world):
    lists = _api_lists_with_search()
    assert len(lists) >= 9 and any(path.endswith("/cases") for path in lists)
    client = ApiClient(world.coordinator)
    for path in lists:
        response = client.get(path, q=HUGE)
        assert response.status_code in (400, 422), path
        assert f"{SEARCH_MAX_LENGTH} characters" in response.content.decode(), path
        assert client.get(path, q="a" * SEARCH_MAX_LENGTH).status_code == 200, path


# Photos


def _png_claiming(width: int, height: int) -> SimpleUploadedFile:
    """A few hundred bytes of PNG whose header claims ``width`` × ``height`` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )
    return SimpleUploadedFile("bomb.png", data, content_type="image/png")


@pytest.fixture
def case(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    User.objects.update(language="en")
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person], title="Buurtcampus")
    return create_case(partnership, by=world.coordinator, title="Samen", story="Verhaal.", forms=["service_learning"])


@pytest.mark.parametrize(("width", "height"), [(20_000, 20_000), (10_000, 10_000)])
def test_a_photo_bomb_or_a_100_megapixel_photo_is_refused_with_a_message(world, as_user, case, width, height):
    client = as_user(world.coordinator)
    url = reverse("case-photo-add", args=[case.public_id])
    response = client.post(url, {"image": _png_claiming(width, height), "alt_text": "Foto"})
    assert response.status_code == 400
    assert "The photo has too many pixels; the limit is 40 megapixels." in response.content.decode()
    assert not CasePhoto.objects.exists()
    assert client.post(url, {"image": png_upload(), "alt_text": "Foto"}).status_code == 302


# Mail


class _Anything:
    """Stands for every object a mail template reads: each attribute, and its text, is the name."""

    def __init__(self, text: str) -> None:
        self._text = text

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if name.endswith("_at"):
            return dt.datetime(2026, 3, 5, 14, 30, tzinfo=dt.UTC)
        if name.endswith(("_on", "_until", "_from")):
            return dt.date(2026, 3, 5)
        return self

    def __str__(self) -> str:
        return self._text

    def __iter__(self):
        return iter([])

    def __len__(self) -> int:
        return 1


def _mail_templates() -> list[str]:
    root = Path(settings.BASE_DIR)
    return sorted(
        str(Path(*p.parts[p.parts.index("templates") + 1 :]))
        for p in root.glob("*/templates/*/mail/*.txt")
        if ".venv" not in p.parts
    )


@pytest.mark.parametrize("template", _mail_templates())
def test_mail_subjects_and_plain_text_bodies_show_names_as_written(template):
    name = "Tom & Jerry <vzw>"
    anything = _Anything(name)
    names = "organisation need match agreement version reminder signatory institution facility campus booking link"
    context = {**dict.fromkeys(names.split(), anything), "days": 3}
    text = render_to_string(template, context)
    assert "&amp;" not in text and "&lt;" not in text and "&gt;" not in text and "&quot;" not in text
    if template.endswith("_subject.txt"):
        assert name in text


# Names


def test_direction_overrides_are_taken_out_of_names_and_file_names(world):
    disguised = "Buurtwerk \u202egpj.exe"
    assert without_bidi_controls(disguised) == "Buurtwerk gpj.exe"
    assert without_bidi_controls("\u2067\u05e9\u05dc\u05d5\u05dd\u2069 \u200fa\u200e") == "\u05e9\u05dc\u05d5\u05dd a"

    organisation = f.make_organisation(disguised)
    assert Organisation.objects.get(pk=organisation.pk).name == "Buurtwerk gpj.exe"
    update_organisation(organisation, by=None, expected_version=organisation.version, name="Vzw \u202dOmgekeerd")
    assert Organisation.objects.get(pk=organisation.pk).name == "Vzw Omgekeerd"
    roles = [RoleSpec(role=SofarRole.FACULTY)]
    person = create_person(by=None, institution=world.a, first_name="Eva\u202e", last_name="\u2066Peeters", roles=roles)
    assert (person.first_name, person.last_name) == ("Eva", "Peeters")
    assert Person.objects.filter(first_name="Eva", last_name="Peeters").exists()


def test_an_imported_file_keeps_its_name_without_direction_overrides(world):
    from imports.services import create_job

    job = create_job(
        by=world.coordinator,
        institution=world.a,
        kind="organisations",
        name="lijst\u202eslx.csv",
        data=b"naam\nVzw A\n",
    )
    assert job.original_name == "lijstslx.csv"


# Suggestions


def test_a_superuser_of_no_institution_is_told_why_there_are_no_suggestions(world):
    root = User.objects.create_superuser("root", "root@example.org", "x", language="en")
    need = make_need(world.org, by=world.coordinator)
    client = Client()
    client.force_login(root)
    response = client.get(reverse("need-suggestions", args=[need.public_id]))
    assert response.status_code == 200
    assert "your account belongs to no institution" in response.content.decode()
    answer = ApiClient(root).get(f"/matching/needs/{need.public_id}/suggestions")
    assert answer.status_code == 400 and "belongs to no institution" in answer.content.decode()
