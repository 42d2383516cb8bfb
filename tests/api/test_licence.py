"""The API states the content's licence: in every answer's ``Link`` header, in its root,
in its OpenAPI description and on its reference page."""

import pytest

from kb.licence import CONTENT_LICENCE

from ..factories import make_tactic

pytestmark = pytest.mark.django_db

LINK = f'<{CONTENT_LICENCE.url}>; rel="license"'


@pytest.mark.parametrize(
    "url",
    [
        "/api/",
        "/api/tactics/",
        "/api/tactics/TT-0001/",
        "/api/search/?q=lantern",
        "/api/technologies/",
        "/api/schema/?format=json",
        "/api/tactics/TT-0404/",  # a refusal too
        "/api/tactics/?stage=nowhere",
    ],
)
def test_every_answer_links_the_content_licence(reader, url):
    make_tactic("Lantern")
    response = reader.get(url)
    assert response["Link"] == LINK, (url, response.status_code)


def test_the_root_lists_the_licence_beside_the_collections(reader):
    root = reader.get("/api/").json()
    assert root["tactics"].endswith("/api/tactics/")
    licence = root["license"]
    assert {key: licence[key] for key in ("name", "spdx", "url")} == CONTENT_LICENCE.as_dict()
    assert "sources' own words" in licence["quotes"]


def test_the_openapi_description_names_the_licence(reader):
    info = reader.get("/api/schema/", {"format": "json"}).json()["info"]
    assert info["license"] == {"name": CONTENT_LICENCE.name, "url": CONTENT_LICENCE.url}


def test_the_reference_page_states_the_licence(reader):
    main = reader.get("/api/docs/").text.split("<main", 1)[1].split("</main>", 1)[0]
    assert f'rel="license" href="{CONTENT_LICENCE.url}"' in main
    assert "info.license" in main
