"""Every download states the content's licence: in the file where its format has room for
it (kb.json, the STIX bundle), in the response's ``Link`` header for every file (CSV has no
room of its own), and on the downloads page."""

import json

import pytest

from kb.downloads.build import build_downloads
from kb.licence import CONTENT_LICENCE

from ..factories import cite, make_countermeasure, make_source, make_tactic

pytestmark = pytest.mark.django_db

FILES = (
    "/downloads/kb.json",
    "/downloads/kb.stix.json",
    "/downloads/tactics.csv",
    "/downloads/citations.csv",
    "/es/downloads/kb.json",
    "/es/downloads/kb-offline.zip",
    "/downloads/kb-offline-all-languages.zip",
)
LINK = f'<{CONTENT_LICENCE.url}>; rel="license"'


@pytest.fixture
def built():
    tactic = make_tactic("Fake jobs")
    cite(tactic, make_source(title="The report"), "A quote")
    make_countermeasure("Warn", counters=[tactic])
    build_downloads()


@pytest.mark.parametrize("url", FILES)
def test_every_file_links_its_licence_in_its_headers(reader, built, url):
    response = reader.get(url)
    assert response.status_code == 200
    assert response["Link"] == LINK


def test_a_resumed_download_links_its_licence_too(reader, built):
    response = reader.get("/downloads/tactics.csv", HTTP_RANGE="bytes=10-")
    assert response.status_code == 206 and response["Link"] == LINK


def test_the_json_file_names_its_licence_and_what_it_does_not_cover(reader, built):
    document = json.loads(reader.get("/downloads/kb.json").getvalue())
    licence = document["license"]
    assert {key: licence[key] for key in ("name", "spdx", "url")} == CONTENT_LICENCE.as_dict()
    assert "sources' own words" in licence["quotes"]
    assert list(document).index("license") < list(document).index("tactics")


def test_the_stix_bundle_marks_every_object_with_the_licence_statement(reader, built):
    objects = json.loads(reader.get("/downloads/kb.stix.json").getvalue())["objects"]
    (marking,) = [o for o in objects if o["type"] == "marking-definition"]
    assert marking["definition_type"] == "statement"
    assert CONTENT_LICENCE.url in marking["definition"]["statement"]
    assert "sources' own words" in marking["definition"]["statement"]
    marked = [o for o in objects if o["type"] not in ("marking-definition", "identity")]
    assert {o["type"] for o in marked} >= {"attack-pattern", "course-of-action", "report"}
    assert all(o["object_marking_refs"] == [marking["id"]] for o in marked)


@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_the_downloads_page_states_the_licence_of_every_file(reader, built, prefix):
    response = reader.get(f"{prefix}/downloads/")
    main = response.text.split("<main", 1)[1].split("</main>", 1)[0]
    assert f'rel="license" href="{CONTENT_LICENCE.url}"' in main
    assert response["Link"] == LINK
