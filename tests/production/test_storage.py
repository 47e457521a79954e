"""Every file goes through Django's storage API: the file paths work on a storage without local
paths (files in memory, ``.path`` refused, as S3Storage does), as they must on S3-compatible or
shared storage."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from agreements.pdf import pdf_context
from agreements.tests.helpers import make_agreement
from imports.models import ImportJob, ImportRow
from imports.tests.conftest import belgian_csv
from partnerships.models import Partnership
from partnerships.report import build_report, with_strategic
from partnerships.report_pdf import report_html
from reflection.models import CasePhoto
from reflection.services import create_case
from reflection.tests.helpers import png_upload
from tests import factories as f
from tests.production.storages import RemoteLikeStorage

pytestmark = pytest.mark.usefixtures("english")

PNG = png_upload().read()


@pytest.fixture(autouse=True)
def storage_without_paths(settings, tmp_path):
    """Media in memory; the media folder must stay untouched."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "tests.production.storages.RemoteLikeStorage"}}
    yield
    assert not (tmp_path / "media").exists(), "a file was written to the local media folder"


def test_the_storage_under_test_has_no_local_paths():
    storage = ImportJob._meta.get_field("file").storage
    storage._setup()
    assert isinstance(storage._wrapped, RemoteLikeStorage)
    with pytest.raises(NotImplementedError):
        storage.path("anything")


def test_an_import_is_uploaded_mapped_and_previewed(world, as_user):
    client = as_user(world.coordinator)
    data = belgian_csv("Huiswerkklas Noord;Kerkstraat 1;9000;Gent;;;;;3", "Taalcafé Zuid;Zuidlaan 2;9000;Gent;;;;;")
    response = client.post(reverse("import-list"), {"kind": "organisations", "file": _upload("partners.csv", data)})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert default_storage.exists(job.file.name)
    page = client.get(reverse("import-detail", args=[job.public_id])).content.decode()
    assert "Huiswerkklas Noord" in page  # the column samples, read back from the storage
    mapping = {f"column_{i}": target for i, target in enumerate(["name", "street", "postcode", "city"])}
    assert client.post(reverse("import-mapping", args=[job.public_id]), mapping).status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEWED, job.error
    assert ImportRow.objects.filter(job=job, action=ImportRow.Action.CREATE).count() == 2


def test_a_case_photo_is_uploaded_and_served(world, as_user):
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person], title="Buurtcampus")
    case = create_case(
        partnership, by=world.coordinator, title="Samen", story="Een verhaal.", forms=["service_learning"]
    )
    client = as_user(world.coordinator)
    url = reverse("case-photo-add", args=[case.public_id])
    assert client.post(url, {"image": png_upload(), "alt_text": "Foto van de wijk"}).status_code == 302
    photo = CasePhoto.objects.get()
    assert default_storage.exists(photo.image.name)
    served = client.get(reverse("case-photo", args=[case.slug, photo.public_id]))
    assert served.status_code == 200
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")


def test_the_institutions_logo_reaches_the_agreement_and_the_board_report(world):
    world.a.logo.save("logo.png", ContentFile(PNG))
    assert default_storage.exists(world.a.logo.name)
    agreement = make_agreement(world)
    assert pdf_context(agreement.versions.get())["logo"].startswith("data:image/png;base64,")
    partnership = f.make_partnership(world.a, [world.org], [world.coord_person], title="Strategisch")
    assert 'src="data:image/png;base64,' in report_html(
        build_report(with_strategic(Partnership.objects.all()).get(pk=partnership.pk), with_health=False)
    )


def test_an_export_is_written_without_the_media_folder(world, as_user):
    response = as_user(world.coordinator).get(reverse("export", args=["organisations", "xlsx"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
