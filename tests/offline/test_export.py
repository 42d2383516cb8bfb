"""The offline copy: every published page in every language, never a draft."""

import zipfile
from io import StringIO

import pytest
from django.core.management import call_command

from kb.models import Status

from ..factories import make_tactic

pytestmark = pytest.mark.django_db


def test_the_command_writes_a_zip_of_published_pages_only(tmp_path):
    tactic = make_tactic("Visible lantern")
    make_tactic("Hidden draft", status=Status.DRAFT)
    output = tmp_path / "copy.zip"
    call_command("build_offline_copy", output=output, stdout=StringIO())
    with zipfile.ZipFile(output) as archive:
        names = archive.namelist()
        text = " ".join(
            archive.read(name).decode() for name in names if name.endswith((".html", ".js"))
        )
    root = names[0].split("/")[0]
    assert f"{root}/index.html" in names
    assert f"{root}/es/offline/search-index.js" in names
    assert f"{root}/static/kb/site.css" in names
    assert f"{root}/README.txt" in names
    assert any(tactic.public_id in name for name in names)
    assert "Visible lantern" in text
    assert "Hidden draft" not in text


def test_a_copy_of_one_language_opens_at_its_home(tmp_path):
    make_tactic("Lantern")
    call_command("build_offline_copy", output=tmp_path / "c", language=["ar"], stdout=StringIO())
    home = (tmp_path / "c" / "index.html").read_text()
    assert '<html lang="ar" dir="rtl">' in home
    assert not (tmp_path / "c" / "es").exists()
