"""A request for a download never builds it: it is served the edition of the current
content version, else the previous one (saying so), else a 503 "being prepared" page; and
no download is kept in the page cache."""

import json

import pytest
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.test.utils import CaptureQueriesContext

from kb.downloads.build import build_downloads
from kb.downloads.editions import FILES, built_editions

from ..factories import make_tactic

pytestmark = pytest.mark.django_db

URLS = [
    "/downloads/kb.json",
    "/downloads/kb.stix.json",
    "/downloads/kb-offline.zip",
    "/downloads/kb-offline-all-languages.zip",
] + [f"/downloads/{name}" for name in FILES if name.endswith(".csv")]


@pytest.mark.parametrize("url", URLS)
def test_a_download_not_built_yet_is_being_prepared_never_built_in_the_request(reader, url):
    make_tactic("Lantern")
    with CaptureQueriesContext(connection) as queries:
        response = reader.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "being prepared" in response.text
    assert "no-store" in response["Cache-Control"]
    # Only the content version was read: not one entry.
    assert [q["sql"] for q in queries if "kb_contentversion" not in q["sql"]] == []
    assert built_editions() == []


def test_serving_a_file_reads_nothing_but_the_content_version(reader):
    make_tactic("Lantern")
    build_downloads()
    with CaptureQueriesContext(connection) as queries:
        response = reader.get("/downloads/kb.json")
    assert response.status_code == 200
    assert [q["sql"] for q in queries if "kb_contentversion" not in q["sql"]] == []


def test_after_a_change_the_previous_edition_is_served_until_the_new_one_is_built(reader):
    tactic = make_tactic("Old name")
    build_downloads()
    before = reader.get("/downloads/kb.json")
    tactic.name = "New name"
    tactic.save()

    stale = reader.get("/downloads/kb.json")
    assert stale.status_code == 200
    assert stale["KB-Edition"] == "previous"
    assert stale["KB-Content-Version"] == before["KB-Content-Version"]
    assert [t["name"] for t in json.loads(stale.getvalue())["tactics"]] == ["Old name"]
    page = reader.get("/downloads/")
    assert "being prepared" in page.text and before["KB-Content-Version"] in page.text
    assert "no-store" in page["Cache-Control"]  # the page cache must not keep it

    build_downloads()
    fresh = reader.get("/downloads/kb.json")
    assert fresh["KB-Edition"] == "current"
    assert fresh["ETag"] != before["ETag"]
    assert [t["name"] for t in json.loads(fresh.getvalue())["tactics"]] == ["New name"]
    assert "being prepared" not in reader.get("/downloads/").text


def test_the_downloads_page_says_when_nothing_is_built_yet(reader):
    make_tactic("Lantern")
    page = reader.get("/downloads/")
    assert page.status_code == 200
    assert "are being prepared" in page.text
    assert 'href="/downloads/kb.json"' in page.text


def test_the_downloads_page_gives_each_file_s_size(reader):
    make_tactic("Lantern")
    edition = build_downloads()
    text = reader.get("/downloads/").text
    for name in FILES:
        assert f"({filesizeformat(edition.size(name))})" in text, name
    assert f"content version <strong>{edition.version}</strong>" in text


@pytest.mark.page_cache
@pytest.mark.django_db(transaction=True)
def test_downloads_are_never_kept_in_the_page_cache(reader):
    make_tactic("Lantern")
    assert "are being prepared" in reader.get("/downloads/").text
    build_downloads()
    # The page that said "being prepared" was not kept: it now lists the built files.
    assert "are being prepared" not in reader.get("/downloads/").text
    for url in URLS:
        reader.get(url)
        again = reader.get(url)
        assert again.status_code == 200
        assert again.streaming, f"{url} was answered from the page cache"


def test_files_carry_the_security_headers_every_response_does(reader):
    make_tactic("Lantern")
    build_downloads()
    for url in URLS:
        response = reader.get(url)
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert "default-src 'self'" in response["Content-Security-Policy"], url
        assert response["Content-Disposition"].startswith("attachment"), url
