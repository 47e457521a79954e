"""Batch matching: the documented JSON format, ``manage.py match`` on files and on the database."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from matching import loaders
from matching.batch import BatchInputError, parse_needs, parse_offers
from matching.tests.helpers import make_need, make_offer
from network.models import Theme
from tests import factories as f

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "matching-input.json"


def run(*args: str) -> tuple[dict, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("match", *args, stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


def points(suggestion: dict) -> dict[str, float]:
    return {r["code"]: r["points"] for r in suggestion["reasons"]}


# The documented example through the command


def test_the_command_ranks_the_documented_example_as_expected():
    result, progress = run("--needs", str(EXAMPLE), "--offers", str(EXAMPLE), "--direction", "both")
    assert [(q["need"], [s["offer"] for s in q["suggestions"]]) for q in result["needs"]] == [
        ("need-huiswerk", ["offer-homework", "offer-stadslandbouw"]),
        ("need-tuin", ["offer-stadslandbouw"]),
    ]
    assert [(q["offer"], [s["need"] for s in q["suggestions"]]) for q in result["offers"]] == [
        ("offer-homework", ["need-huiswerk"]),
        ("offer-stadslandbouw", ["need-tuin", "need-huiswerk"]),
    ]
    homework = result["needs"][0]["suggestions"][0]
    assert points(homework) | {"text": 0, "glossary": 0, "meaning": 0, "distance": 0} == {
        "text": 0,
        "glossary": 0,
        "meaning": 0,
        "themes": 2.0,
        "target_groups": 2.0,
        "period": 1.0,
        "capacity": 1.0,
        "distance": 0,
        "relationship": 1.5,
        "load": 0.0,
    }
    glossary = next(r for r in homework["reasons"] if r["code"] == "glossary")
    assert glossary["label"] == "Bilingual glossary"
    assert glossary["detail"] == "across languages: kinderen ↔ children, huiswerk ↔ homework, begeleiding ↔ support"
    assert homework["score"] == pytest.approx(sum(points(homework).values()), abs=0.01)
    garden = result["needs"][1]["suggestions"][0]
    assert points(garden)["load"] == -2.0  # its organisation is full
    assert "4 needs" not in progress and "2/2 ranked" in progress


def test_the_top_option_caps_the_suggestions_and_the_output_can_go_to_a_file(tmp_path):
    out = tmp_path / "suggestions.json"
    call_command("match", "--needs", str(EXAMPLE), "--offers", str(EXAMPLE), "--top", "1", "--out", str(out), "--quiet")
    result = json.loads(out.read_text(encoding="utf-8"))
    assert [len(q["suggestions"]) for q in result["needs"]] == [1, 1]


def test_the_weights_option_changes_the_scores():
    result, _ = run("--needs", str(EXAMPLE), "--offers", str(EXAMPLE), "--weights", '{"themes": 0}', "--quiet")
    assert "themes" not in points(result["needs"][0]["suggestions"][0])


# Forking is safe in the single-threaded `manage.py match`, not inside a test runner's worker that
# keeps threads of its own (a forked child can inherit a held lock): compare in a fresh interpreter.
TWO_WAYS = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "brug.settings")
import django
django.setup()
from matching.batch import context_from, parse_needs, parse_offers, run_batch
data = json.loads(open(sys.argv[1], encoding="utf-8").read())
needs = [n.record() for n in parse_needs(data)]
offers = [o.record() for o in parse_offers(data)]
context = context_from(parse_needs(data))
alone = run_batch(needs, offers, context=context, workers=1, direction="both")
shared = run_batch(needs, offers, context=context, workers=2, direction="both")
print(json.dumps({"same": alone == shared, "suggestions": len(json.dumps(alone, default=str))}))
"""


def test_the_same_files_give_the_same_output_in_one_process_or_two():
    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-c", TWO_WAYS, str(EXAMPLE)], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["same"] and result["suggestions"] > 10


# Bad input


@pytest.mark.parametrize(
    ("needs", "message"),
    [
        ({"needs": [{"id": "n", "organisation": "o"}]}, "needs[0] title: Field required"),
        ({"needs": [{"id": "n", "organisation": "o", "title": "t", "colour": "red"}]}, "needs[0] colour"),
        (
            {"needs": [{"id": "n", "organisation": "o", "title": "t"}, {"id": "n", "organisation": "o", "title": "u"}]},
            "needs[1]: the id 'n' occurs twice",
        ),
        (
            {
                "needs": [
                    {
                        "id": "n",
                        "organisation": "o",
                        "title": "t",
                        "period_start": "2027-01-01",
                        "period_end": "2026-01-01",
                    }
                ]
            },
            "period_end is before period_start",
        ),
        ({"offers": []}, 'expected a list of needs, or an object with a "needs" list'),
    ],
)
def test_input_that_does_not_fit_the_format_is_refused_with_where(tmp_path, needs, message):
    path = tmp_path / "needs.json"
    path.write_text(json.dumps(needs), encoding="utf-8")
    with pytest.raises(CommandError, match=message.replace("[", r"\[").replace("]", r"\]")):
        run("--needs", str(path), "--offers", str(EXAMPLE))


def test_a_file_that_is_not_json_or_not_there_is_refused(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{nope", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        run("--needs", str(broken), "--offers", str(EXAMPLE))
    with pytest.raises(CommandError, match="No such file"):
        run("--needs", str(tmp_path / "missing.json"), "--offers", str(EXAMPLE))


def test_the_command_needs_exactly_one_source():
    with pytest.raises(CommandError, match="either --institution"):
        run()
    with pytest.raises(CommandError, match="both --needs and --offers"):
        run("--needs", str(EXAMPLE))
    with pytest.raises(CommandError, match="--weights must be an object"):
        run("--needs", str(EXAMPLE), "--offers", str(EXAMPLE), "--weights", '{"colour": 1}')


def test_parsing_accepts_a_bare_list():
    assert [n.id for n in parse_needs([{"id": "a", "organisation": "o", "title": "t"}])] == ["a"]
    with pytest.raises(BatchInputError):
        parse_offers([{"id": "a", "title": "t"}])


# From the database


@pytest.fixture
def education(db) -> Theme:
    return Theme.objects.create(slug="education", name_nl="Onderwijs", name_en="Education")


def test_the_command_reads_the_institutions_open_offers_and_all_open_needs(world, education):
    need = make_need(world.org, by=world.coordinator, themes=[education])
    own = make_offer(world.a, by=world.coordinator, themes=[education])
    make_offer(world.b, by=world.outsider, themes=[education])  # another institution's offer is not ranked
    tie = f.make_relationship(world.a, world.org, world.coord_person, owners=[world.coord_person])
    f.make_interaction(tie, days_ago=10)
    loaders.clear_cache()
    result, progress = run("--institution", "uas")
    assert result["needs"][0]["need"] == str(need.public_id)
    suggestions = result["needs"][0]["suggestions"]
    assert [s["offer"] for s in suggestions] == [str(own.public_id)]
    assert points(suggestions[0])["themes"] == 2.0
    assert points(suggestions[0])["relationship"] == 1.5
    assert "1 needs, 1 offers" in progress


def test_the_command_refuses_an_unknown_institution(db):
    with pytest.raises(CommandError, match="No institution with the slug 'nope'"):
        run("--institution", "nope")
