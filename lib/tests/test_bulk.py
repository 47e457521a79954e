import uuid

import pytest
from django.utils import timezone

from imports.models import ImportJob, ImportRow
from lib.bulk import RowInserter
from network.models import Institution, Organisation


@pytest.mark.django_db
def test_inserted_rows_come_back_in_order_with_their_defaults_and_their_own_public_ids():
    now = timezone.now()
    inserter = RowInserter(Organisation, now=now)
    rows = [inserter.complete({"name": f"Vereniging {n:04d}", "capacity_per_period": n % 7}) for n in range(1200)]
    pks = inserter.insert_returning_pks(rows)
    assert len(pks) == 1200, "more rows than one statement takes"
    saved = Organisation.objects.in_bulk(pks)
    for n, pk in enumerate(pks):
        organisation = saved[pk]
        assert (organisation.name, organisation.capacity_per_period) == (f"Vereniging {n:04d}", n % 7)
        assert organisation.public_id == rows[n]["public_id"]
    first = saved[pks[0]]
    assert (first.kind, first.is_active, first.version, first.mission) == ("nonprofit", True, 1, "")
    assert first.created_at == first.updated_at == now
    assert len({o.public_id for o in saved.values()}) == 1200
    assert isinstance(rows[0]["public_id"], uuid.UUID)


@pytest.mark.django_db
def test_json_values_are_stored_as_json():
    institution = Institution.objects.create(name="Hogeschool", short_name="HS", slug="hs")
    job = ImportJob.objects.create(institution=institution, kind="organisations", original_name="a.csv")
    RowInserter(ImportRow).insert(
        [
            {
                "job_id": job.pk,
                "row_number": 3,
                "action": "error",
                "data": {"name": 'Café "De Brug"', "capacity_per_period": 3},
                "errors": [{"column": "Postcode", "message": "'90O0' is not a Belgian postcode"}],
            }
        ]
    )
    row = ImportRow.objects.get(job=job)
    assert row.data == {"name": 'Café "De Brug"', "capacity_per_period": 3}
    assert row.errors[0]["column"] == "Postcode"
    assert (row.existing_id, row.same, row.decision) == (None, False, "")
