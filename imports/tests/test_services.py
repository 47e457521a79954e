from __future__ import annotations

import pytest

from audit.models import AuditEntry
from imports import services
from imports.models import ImportedRecord, ImportJob, ImportRow
from imports.tests.conftest import belgian_csv, xlsx
from lib.errors import DomainError
from network.models import Organisation, OrganisationNote, Theme
from network.services import update_organisation
from tests import factories as f


def _job(world, data: bytes, name: str = "partners.csv", kind: str = "organisations") -> ImportJob:
    job = services.create_job(by=world.coordinator, institution=world.a, kind=kind, name=name, data=data)
    services.set_mapping(job, job.mapping)
    services.build_preview(job)
    return job


def _rows(job: ImportJob) -> dict[int, ImportRow]:
    return {row.row_number: row for row in ImportRow.objects.filter(job=job)}


def test_the_preview_says_what_each_row_will_do_and_names_every_error_with_its_column(world):
    data = belgian_csv(
        "Huiswerkklas Noord;Kerkstraat 1;9000;Gent;;info@noord.be;09 123 45 67;;3",
        "Taalcafé Zuid;Zuidlaan 2;90O0;Gent;;geen-mail;;;x",
        "",
        "Buurtwerk De Brug;;9000;Gent;;;;;",
    )
    job = _job(world, data)
    assert job.status == ImportJob.Status.PREVIEWED
    assert job.header_row == 2
    rows = _rows(job)
    assert rows[3].action == ImportRow.Action.CREATE
    assert rows[3].data["name"] == "Huiswerkklas Noord"
    # Its required name is good: the row is imported, the cells that cannot be read left empty with a warning.
    assert rows[4].action == ImportRow.Action.CREATE
    assert rows[4].errors == []
    # Messages come in the importing user's language (Dutch for the world's users).
    assert {"column": "Postcode", "message": "'90O0' is geen Belgische postcode; leeg gelaten"} in rows[4].warnings
    assert {"column": "E-mail", "message": "'geen-mail' is geen e-mailadres; leeg gelaten"} in rows[4].warnings
    assert any(w["column"] == "Capaciteit" for w in rows[4].warnings)
    assert not {"postcode", "email", "capacity_per_period"} & set(rows[4].data)
    assert job.summary["warnings"] == 1
    # The same name at the same postcode as an existing organisation: a likely duplicate, merged unless told apart.
    assert rows[6].existing_id == world.org.pk
    assert rows[6].decision == ImportRow.Decision.MERGE
    assert Organisation.objects.count() == 2, "a preview writes nothing"


def test_a_similar_name_at_the_same_postcode_is_a_likely_duplicate(world):
    job = _job(world, belgian_csv("Buurtwerk de Brug vzw;;9000;Gent;;;;;", "Buurtwerk De Bruggen;;3000;Leuven;;;;;"))
    rows = _rows(job)
    assert rows[3].existing_id == world.org.pk
    assert rows[4].existing_id is None, "another postcode is another organisation"
    near = _job(world, belgian_csv("Buurtwerking De Brug;;9000;Gent;;;;;"))
    row = _rows(near)[3]
    assert (row.existing_id, row.match) == (world.org.pk, "similar")


def test_same_enterprise_number_is_the_same_organisation_whatever_the_name(world):
    update_organisation(world.other_org, by=None, expected_version=None, enterprise_number="0202.239.951")
    job = _job(world, belgian_csv("Iets Heel Anders;;1000;Brussel;BE 0202239951;;;;"))
    row = _rows(job)[3]
    assert (row.existing_id, row.match, row.action) == (world.other_org.pk, "exact", ImportRow.Action.UPDATE)


def test_importing_creates_and_merges_in_one_go_with_one_audit_entry_and_can_be_undone(world):
    Theme.objects.create(slug="armoede", name_nl="Armoede", name_en="Poverty")
    data = belgian_csv(
        "Huiswerkklas Noord;Kerkstraat 1;9000;Gent;;;;Armoede;3", "Buurtwerk De Brug;Nieuwstraat 9;9000;Gent;;;;;5"
    )
    job = _job(world, data)
    services.run_import(job, by=world.coordinator)
    assert job.status == ImportJob.Status.DONE, job.error
    new = Organisation.objects.get(name="Huiswerkklas Noord")
    assert [t.slug for t in new.themes.all()] == ["armoede"]
    world.org.refresh_from_db()
    assert (world.org.street, world.org.capacity_per_period, world.org.version) == ("Nieuwstraat 9", 5, 2)
    assert AuditEntry.objects.filter(action="imported", target_id=str(job.public_id)).count() == 1
    created = new.history.get()
    assert (created.history_type, created.history_user, created.history_change_reason) == ("+", world.coordinator, "")
    assert (created.public_id, created.name, created.street, created.capacity_per_period) == (
        new.public_id,
        "Huiswerkklas Noord",
        "Kerkstraat 1",
        3,
    )
    assert new.created_at == new.updated_at == created.history_date
    assert new.public_id != world.org.public_id and new.version == 1
    assert ImportedRecord.objects.filter(job=job).count() == 2

    services.undo_import(job, by=world.coordinator)
    assert not Organisation.objects.filter(name="Huiswerkklas Noord").exists()
    assert not Organisation.themes.through.objects.filter(organisation_id=new.pk).exists()
    deleted = Organisation.history.filter(id=new.pk).order_by("history_id").last()
    assert (deleted.history_type, deleted.history_user, deleted.name, deleted.street) == (
        "-",
        world.coordinator,
        "Huiswerkklas Noord",
        "Kerkstraat 1",
    )
    world.org.refresh_from_db()
    assert (world.org.street, world.org.capacity_per_period) == ("", 3)
    assert job.status == ImportJob.Status.UNDONE


def test_a_second_import_of_the_same_file_changes_nothing(world):
    data = belgian_csv("Huiswerkklas Noord;Kerkstraat 1;9000;Gent;0202.239.951;info@noord.be;;;3")
    services.run_import(_job(world, data), by=world.coordinator)
    version = Organisation.objects.get(name="Huiswerkklas Noord").version
    again = _job(world, data)
    assert _rows(again)[3].action == ImportRow.Action.UNCHANGED
    services.run_import(again, by=world.coordinator)
    assert again.summary["written"] == {
        "created": 0,
        "updated": 0,
        "unchanged": 1,
        "skipped": 0,
        "warnings": 0,
        "file": "partners.csv",
    }
    assert Organisation.objects.get(name="Huiswerkklas Noord").version == version


def test_keep_apart_creates_a_new_record_next_to_the_existing_one(world):
    job = _job(world, belgian_csv("Buurtwerk De Brug;Elders 1;9000;Gent;;;;;"))
    services.decide(job, {3: ImportRow.Decision.SEPARATE})
    services.run_import(job, by=world.coordinator)
    assert Organisation.objects.filter(name="Buurtwerk De Brug").count() == 2


def test_undo_is_refused_with_the_list_when_a_record_changed_since(world):
    job = _job(world, belgian_csv("Huiswerkklas Noord;;9000;Gent;;;;;"))
    services.run_import(job, by=world.coordinator)
    new = Organisation.objects.get(name="Huiswerkklas Noord")
    update_organisation(new, by=world.coordinator, expected_version=new.version, city="Gent-Centrum")
    with pytest.raises(DomainError, match="1 organisation was changed since the import by .* “Huiswerkklas Noord”"):
        services.undo_import(job, by=world.coordinator)
    assert Organisation.objects.filter(name="Huiswerkklas Noord").exists()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE


def test_undo_is_refused_when_a_created_organisation_is_in_use(world):
    job = _job(world, belgian_csv("Huiswerkklas Noord;;9000;Gent;;;;;"))
    services.run_import(job, by=world.coordinator)
    new = Organisation.objects.get(name="Huiswerkklas Noord")
    f.make_relationship(world.a, world.faculty_person, new, owners=[world.faculty_person])
    with pytest.raises(DomainError, match="1 relationship written since the import"):
        services.undo_import(job, by=world.coordinator)


def test_undo_never_deletes_a_note_written_since_and_undoes_only_the_rest_when_asked(world):
    job = _job(world, belgian_csv("Huiswerkklas Noord;;9000;Gent;;;;;", "Taalcafé Zuid;;9000;Gent;;;;;"))
    services.run_import(job, by=world.coordinator)
    noted = Organisation.objects.get(name="Taalcafé Zuid")
    OrganisationNote.objects.create(organisation=noted, institution=world.a, text="Bellen na de zomer")
    with pytest.raises(DomainError, match="1 internal note written since the import"):
        services.undo_import(job, by=world.coordinator)
    services.undo_import(job, by=world.coordinator, only_safe=True)
    assert list(Organisation.objects.filter(name__in=["Huiswerkklas Noord", "Taalcafé Zuid"])) == [noted]
    assert OrganisationNote.objects.filter(text="Bellen na de zomer").exists()
    history = Organisation.history.filter(name="Huiswerkklas Noord").values_list("history_type", flat=True)
    assert list(history) == ["-", "+"]


def test_a_record_changed_between_preview_and_import_refuses_the_whole_import(world):
    job = _job(world, belgian_csv("Nieuw Eén;;9000;Gent;;;;;", "Buurtwerk De Brug;Nieuwstraat 9;9000;Gent;;;;;"))
    update_organisation(world.org, by=None, expected_version=world.org.version, city="Gent-Centrum")
    services.run_import(job, by=world.coordinator)
    assert job.status == ImportJob.Status.PREVIEWED
    assert "door iemand anders gewijzigd" in job.error and "Buurtwerk De Brug" in job.error
    assert not Organisation.objects.filter(name="Nieuw Eén").exists(), "nothing is half-imported"


def test_a_script_tag_is_stored_as_plain_text(world):
    job = _job(world, belgian_csv("<script>alert(1)</script>;;9000;Gent;;;;;"))
    services.run_import(job, by=world.coordinator)
    assert Organisation.objects.filter(name="<script>alert(1)</script>").exists()


def test_formulas_in_cells_are_stored_neutralised(world):
    job = _job(world, belgian_csv('=HYPERLINK("http://evil");;9000;Gent;;;+32 9 123;;'))
    services.run_import(job, by=world.coordinator)
    organisation = Organisation.objects.get(postcode="9000", city="Gent", phone="+32 9 123")
    assert organisation.name == '\'=HYPERLINK("http://evil")'


def test_an_xlsx_with_english_headers_and_excel_dates_imports_engagements(world):
    course = f.make_course(world.a, [world.faculty_person], title="Sociale wijkanalyse", code="SW101")
    import datetime as dt

    data = xlsx(
        [
            ["Engagements 2027"],
            ["Title", "Start date", "End date", "Hours", "Course", "Organisation"],
            [
                "Huiswerkbegeleiding",
                dt.datetime.combine(dt.date(2027, 1, 31), dt.time()),
                "28/02/2027",
                20,
                "SW101",
                "Buurtwerk De Brug",
            ],
            ["Taalcafé", "2027-02-01", "31-01-2027", 5, "", ""],
        ]
    )
    job = _job(world, data, name="engagements.xlsx", kind="engagements")
    rows = _rows(job)
    assert rows[3].action == ImportRow.Action.CREATE, rows[3].errors
    # The end date is optional: before the start it is left empty with a warning, and the row imported.
    assert rows[4].action == ImportRow.Action.CREATE
    assert rows[4].warnings == [
        {"column": "End date", "message": "de einddatum kan niet vóór de begindatum liggen; leeg gelaten"}
    ]
    services.run_import(job, by=world.coordinator)
    assert job.status == ImportJob.Status.DONE, job.error
    engagement = course.engagements.get()
    assert (engagement.start_date, engagement.organisation) == (dt.date(2027, 1, 31), world.org)


def test_people_courses_and_contact_moments_import_through_the_services(world):
    people = (
        "Voornaam;Achternaam;E-mail;Rol;Organisatie\r\n"
        "Dirk;Docent;dirk@uas.be;Docent;\r\nPia;Partner;;Partner;Buurtwerk De Brug\r\n"
    )
    job = _job(world, people.encode("cp1252"), kind="people")
    services.run_import(job, by=world.coordinator)
    assert job.status == ImportJob.Status.DONE, job.error
    assert world.a.people.filter(first_name="Dirk").exists()
    assert _rows(job)[3].existing_id == world.staff_person.pk, "Pia Partner exists already"

    courses = "Code;Opleidingsonderdeel;Academiejaar;Docent\r\nSW9;Wijkwerk;2026-27;dirk@uas.be\r\n"
    job = _job(world, courses.encode(), kind="courses")
    services.run_import(job, by=world.coordinator)
    assert job.status == ImportJob.Status.DONE, job.error
    assert world.a.courses.get(code="SW9").academic_year == "2026-2027"

    contacts = (
        "Datum;Organisatie;Persoon;Kanaal;Samenvatting\r\n"
        "31/01/2025;Buurtwerk De Brug;dirk@uas.be;Telefoon;Eerste gesprek\r\n"
    )
    job = _job(world, contacts.encode(), kind="interactions")
    services.run_import(job, by=world.coordinator)
    assert job.status == ImportJob.Status.DONE, job.error
    again = _job(world, contacts.encode(), kind="interactions")
    assert _rows(again)[2].action == ImportRow.Action.UNCHANGED
    services.undo_import(job, by=world.coordinator)
    assert not world.org.engagements.exists()


def test_a_file_with_a_header_but_no_rows_is_refused(world):
    with pytest.raises(DomainError, match="no rows with data"):
        services.create_job(
            by=world.coordinator, institution=world.a, kind="organisations", name="x.csv", data=belgian_csv(title=None)
        )
    assert not ImportJob.objects.exists()


def test_a_mapping_without_the_needed_field_is_refused(world):
    job = services.create_job(
        by=world.coordinator,
        institution=world.a,
        kind="organisations",
        name="x.csv",
        data=belgian_csv("A;;9000;Gent;;;;;"),
    )
    with pytest.raises(DomainError, match="Choose a column for"):
        services.set_mapping(job, {"2": "postcode"})
    with pytest.raises(DomainError, match="Two columns"):
        services.set_mapping(job, {"0": "name", "1": "name"})


def test_direction_controls_in_an_imported_name_are_left_out(world):
    text = belgian_csv("NAME;;9000;Gent;;;;;").decode("cp1252").replace("NAME", "Vzw \u202eDe Brug\u202c")
    job = _job(world, "\ufeff".encode() + text.encode("utf-8"))
    services.run_import(job, by=world.coordinator)
    assert Organisation.objects.filter(name="Vzw De Brug").exists()
