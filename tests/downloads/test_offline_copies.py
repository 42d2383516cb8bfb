"""The offline copies in the downloads edition: a zip of static pages per language and one
of every language, built with the other files of each content version, listed on the
downloads page with their sizes in every language, and served as zip attachments like the
other files."""

import io
import re
import zipfile

import pytest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext, override

from kb.downloads.build import build_downloads
from kb.downloads.editions import FILES
from kb.licence import CONTENT_LICENCE
from kb.models import Status

from ..factories import make_tactic

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    make_tactic("Lantern signals", summary="Signals with a lantern.", name_es="Señales")
    make_tactic("Hidden draft", status=Status.DRAFT)
    return build_downloads()


def unzipped(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(response.getvalue()))


@pytest.mark.parametrize("language", ["en", "es", "fr", "ar"])
def test_the_downloads_page_lists_both_zips_with_their_sizes_in_every_language(
    reader, edition, language
):
    prefix = "" if language == "en" else f"/{language}"
    text = reader.get(f"{prefix}/downloads/").text
    own = "kb-offline.zip" if language == "en" else f"kb-offline.{language}.zip"
    assert f'href="{prefix}/downloads/kb-offline.zip"' in text
    assert f'href="{prefix}/downloads/kb-offline-all-languages.zip"' in text
    for name in (own, "kb-offline-all-languages.zip"):
        assert f">{name}</a> ({filesizeformat(edition.size(name))})" in text, name
    with override(language):
        assert str(FILES["kb-offline.zip"].description) in text
        assert gettext("Offline copy (web pages in a zip)") in text


def test_the_page_says_what_the_zip_is_for(reader, edition):
    text = reader.get("/downloads/").text
    assert "unzip it, and open <code>index.html</code>" in text
    assert "without a connection" in text


def test_a_zip_is_served_as_an_attachment_with_the_rules_of_the_other_files(reader, edition):
    response = reader.get("/es/downloads/kb-offline.zip")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    name = f"kb-{edition.version}-offline.es.zip"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert response["ETag"] == edition.etag("kb-offline.es.zip")
    assert response["KB-Edition"] == "current"
    assert response["KB-Content-Version"] == edition.version
    assert int(response["Content-Length"]) == edition.size("kb-offline.es.zip")
    unchanged = reader.get("/es/downloads/kb-offline.zip", HTTP_IF_NONE_MATCH=response["ETag"])
    assert unchanged.status_code == 304


def test_a_language_s_zip_opens_at_its_pages_in_one_folder(reader, edition):
    with unzipped(reader.get("/es/downloads/kb-offline.zip")) as archive:
        names = archive.namelist()
        root = f"kb-{edition.version}-offline-es/"
        assert all(name.startswith(root) for name in names)
        home = archive.read(root + "index.html").decode()
        assert '<html lang="es"' in home
        assert CONTENT_LICENCE.url in archive.read(root + "README.txt").decode()
        assert not any(name.startswith(root + "es/") for name in names)
        (tactic,) = [n for n in names if re.search(r"/tactics/TT-0001/[^/]+/index\.html$", n)]
        assert "Señales" in archive.read(tactic).decode()
        assert not any("TT-0002" in name for name in names)  # the draft


def test_the_zip_of_every_language_is_the_same_at_every_address(reader, edition):
    english = reader.get("/downloads/kb-offline-all-languages.zip").getvalue()
    assert reader.get("/ar/downloads/kb-offline-all-languages.zip").getvalue() == english
    with unzipped(reader.get("/downloads/kb-offline-all-languages.zip")) as archive:
        root = f"kb-{edition.version}-offline-all-languages/"
        for home in ("index.html", "es/index.html", "fr/index.html", "ar/index.html"):
            assert root + home in archive.namelist(), home
        assert 'dir="rtl"' in archive.read(root + "ar/index.html").decode()


def test_a_change_of_content_brings_a_new_zip(reader, edition):
    tactic = make_tactic("Beacon")
    tactic.save()
    newer = build_downloads()
    assert newer.version != edition.version
    with unzipped(reader.get("/downloads/kb-offline.zip")) as archive:
        assert any("/tactics/TT-0003/" in name for name in archive.namelist())
