"""A coordinator imports a messy Belgian-Excel CSV, corrects a column, merges a duplicate, confirms,
finds the new organisation in the list, and undoes the import."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from imports.models import ImportJob
from network.models import Organisation
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

MESSY_CSV = (
    "\r\n".join(
        [
            "Partnerlijst dienst engagement — januari 2027;;;;",
            "Naam;Straat;Postcode;Locatie;Lid sinds",
            "Huiswerkklas Noordpool;Kerkstraat 1;9000;Gent;31/01/2027",
            ";;;;",
            "Buurtwerk de Brug vzw;Nieuwstraat 9;9000;Gent;15/09/2026",
        ]
    )
    + "\r\n"
).encode("cp1252")


def test_a_coordinator_imports_a_messy_csv_merges_a_duplicate_and_undoes_it(world, log_in, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = log_in("coordinator", PASSWORD)
    page.goto(reverse("import-list"))
    page.select_option("#id_kind", "organisations")
    page.set_input_files("#id_file", {"name": "partners.csv", "mimeType": "text/csv", "buffer": MESSY_CSV})
    with page.expect_navigation():
        page.click("form.import-upload button[type=submit]")
    job = ImportJob.objects.get()
    expect(page.locator("h1")).to_contain_text("partners.csv")
    assert (job.encoding, job.delimiter, job.header_row) == ("cp1252", ";", 2)

    # Brug guessed Naam, Straat and Postcode; "Locatie" it did not know: the user says it is the city.
    expect(page.locator("#id_column_0")).to_have_value("name")
    expect(page.locator("#id_column_3")).to_have_value("")
    page.select_option("#id_column_3", "city")
    with page.expect_navigation():
        page.click("form.mapping-form button[type=submit]")

    # The preview: one new organisation, one likely duplicate of Buurtwerk De Brug.
    expect(page.locator("#row-3")).to_contain_text("Huiswerkklas Noordpool")
    expect(page.locator("#row-5")).to_contain_text("Buurtwerk De Brug")
    page.check("input[name=decision_5][value=separate]")
    page.check("input[name=decision_5][value=merge]")
    with page.expect_navigation():
        page.click("form.preview-form button[name=confirm]")
    expect(page.locator("#import-status")).to_have_attribute("data-status", "done")

    page.goto(reverse("organisation-list"))
    expect(page.locator("main table")).to_contain_text("Huiswerkklas Noordpool")
    expect(page.locator("main table")).to_contain_text("9000 Gent")
    world.org.refresh_from_db()
    assert world.org.street == "Nieuwstraat 9"
    assert Organisation.objects.filter(name__icontains="Buurtwerk").count() == 1

    page.goto(reverse("import-detail", args=[job.public_id]))
    with page.expect_navigation():
        page.click("form[action$='/undo/'] button")
    expect(page.locator("#import-status")).to_have_attribute("data-status", "undone")
    page.goto(reverse("organisation-list"))
    expect(page.locator("main table")).not_to_contain_text("Huiswerkklas Noordpool")
    world.org.refresh_from_db()
    assert world.org.street == ""
