"""Backup and restore, as the commands run: the demo plus edits on one database, backed up, restored
into a second, empty database and media folder, and every table compared row by row (SQLite or
PostgreSQL, whichever the tests run on)."""

from __future__ import annotations

import io
import json
import tarfile

import pytest

from operations.tests.processes import Deployment


@pytest.fixture
def deployments(tmp_path):
    made: list[Deployment] = []

    def make(name: str) -> Deployment:
        (tmp_path / name).mkdir()
        d = Deployment(tmp_path / name)
        made.append(d)
        return d

    yield make
    for d in made:
        d.drop()


DIGEST = "from operations.tests.scenario import table_digest; table_digest()"


def test_the_demo_with_edits_is_restored_into_an_empty_database_table_for_table(deployments, tmp_path):
    source = deployments("source")
    source.manage("migrate", "--noinput")
    source.manage("load_demo")
    source.python("from operations.tests.scenario import edit_after_demo; edit_after_demo()")
    before = source.python(DIGEST)
    archive = tmp_path / "brug.tar"
    assert "Wrote" in source.manage("backup", "--output", str(archive))

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["database"]["tables"]["network_organisation"] == before["network_organisation"][0]
    uploads = [path for path in manifest["media"] if path.startswith("imports/")]
    assert uploads and f"media/{uploads[0]}" in names

    target = deployments("target")  # a database never migrated, an empty media folder
    assert "all match the manifest" in target.manage("restore", str(archive))
    after = target.python(DIGEST)
    assert after == before
    assert (target.media / uploads[0]).read_bytes() == (source.media / uploads[0]).read_bytes()

    # A second restore into what is no longer empty is refused, unless forced.
    with pytest.raises(AssertionError, match="not empty"):
        target.manage("restore", str(archive))
    target.python("from audit.models import AuditEntry; AuditEntry.objects.all().delete(); print('{}')")
    target.manage("restore", "--force", str(archive))
    assert target.python(DIGEST) == before


def test_a_damaged_archive_is_refused_before_anything_is_replaced(deployments, tmp_path):
    source = deployments("source")  # no tables needed: the archive's file is what is damaged
    (source.media / "logos").mkdir(parents=True)
    (source.media / "logos" / "brug.png").write_bytes(b"\x89PNG not really" * 100)
    archive = tmp_path / "brug.tar"
    source.manage("backup", "--output", str(archive))
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as tar, tarfile.open(damaged, "w") as out:
        for member in tar.getmembers():
            data = tar.extractfile(member).read()
            if member.name == "media/logos/brug.png":
                data = data[:-10] + b"\0" * 10
            out.addfile(member, io.BytesIO(data))
    target = deployments("target")
    (target.media / "keep.txt").parent.mkdir(parents=True)
    with pytest.raises(AssertionError, match="logos/brug.png in the archive does not match its checksum"):
        target.manage("restore", "--force", str(damaged))
    assert not (target.media / "logos").exists()
    assert target.python("from operations.backup import row_counts; import json; print(json.dumps(row_counts()))") == {}
