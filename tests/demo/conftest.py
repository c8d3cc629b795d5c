"""The demo writes certificates and agreements (PDF files): into a fresh media folder per test,
not the development one."""

import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
