import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(tmp_path, settings):
    """Uploaded photos go to a throwaway folder, never to the project's media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
