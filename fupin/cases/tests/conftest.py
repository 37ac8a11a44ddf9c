import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Attachments of a test go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
