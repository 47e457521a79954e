"""The institution's retention periods through the API: the same service and limits as the settings page."""

from __future__ import annotations

from network.models import Institution


def test_the_api_reads_and_changes_the_periods(api_as, world):
    client = api_as(world.coordinator)
    read = client.get("/institution/settings").json()
    assert read["retention_booking_months"] == 12 and read["retention_import_file_days"] == 30
    response = client.patch(
        "/institution/settings", {"fingerprint": read["fingerprint"], "retention_booking_months": 3}
    )
    assert response.status_code == 200, response.content
    assert response.json()["retention_booking_months"] == 3
    bad = client.patch(
        "/institution/settings", {"fingerprint": response.json()["fingerprint"], "retention_workshop_days": 0}
    )
    assert bad.status_code in (400, 422)
    assert Institution.objects.get(pk=world.a.pk).retention_workshop_days == 30
