"""Cached pages never mix languages: a page cached in one language is never served in
another, whether its language comes from its address (/es/...) or, for the API, from
``?lang=`` or ``Accept-Language``. Runs on the suite's database and cache (SQLite and
files, or PostgreSQL and Redis)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ..factories import make_tactic
from .test_middleware import only_the_content_version

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.page_cache]

NAMES = {"en": "Lantern signals", "es": "Señales con linterna", "fr": "Signaux à la lanterne"}


@pytest.fixture
def lantern():
    """A tactic translated into Spanish and French (not Arabic)."""
    return make_tactic(
        NAMES["en"],
        slug="lantern-signals",
        name_es=NAMES["es"],
        summary_es="Resumen.",
        name_fr=NAMES["fr"],
        summary_fr="Résumé.",
    )


def others(language: str) -> list[str]:
    return [name for code, name in NAMES.items() if code != language]


@pytest.mark.parametrize("first", ["es", "fr", "en"])
@pytest.mark.parametrize(
    "page", ["/tactics/TT-0001/lantern-signals/", "/tactics/", "/feeds/tactics/"]
)
def test_a_page_cached_in_one_language_is_never_served_in_another(reader, lantern, first, page):
    def address(code: str) -> str:
        return page if code == "en" else f"/{code}{page}"

    cached = reader.get(address(first))
    assert NAMES[first] in cached.text
    for code in ("es", "fr", "en"):
        response = reader.get(address(code))
        assert response.status_code == 200
        assert NAMES[code] in response.text, (first, code)
        assert all(name not in response.text for name in others(code)), (first, code)
    # And each is then served from its own copy.
    for code in ("es", "fr", "en"):
        with CaptureQueriesContext(connection) as queries:
            again = reader.get(address(code))
        assert NAMES[code] in again.text and only_the_content_version(queries)


def api_name(response) -> str:
    assert response.status_code == 200
    return response.json()["name"]


@pytest.mark.parametrize("first", ["es", "fr", "en"])
def test_an_api_answer_cached_in_one_language_is_never_served_in_another(reader, lantern, first):
    path = f"/api/tactics/{lantern.public_id}/"
    assert api_name(reader.get(path, HTTP_ACCEPT_LANGUAGE=first)) == NAMES[first]
    for code in ("es", "fr", "en"):
        by_header = reader.get(path, HTTP_ACCEPT_LANGUAGE=code)
        assert api_name(by_header) == NAMES[code] and by_header["Content-Language"] == code
        assert api_name(reader.get(path, {"lang": code})) == NAMES[code]
    assert api_name(reader.get(path)) == NAMES["en"]  # no preference: English
    # ?lang= wins over the header, cached or not.
    assert api_name(reader.get(path, {"lang": "fr"}, HTTP_ACCEPT_LANGUAGE="es")) == NAMES["fr"]


def test_headers_choosing_the_same_language_share_one_copy(reader, lantern):
    path = "/api/tactics/"
    reader.get(path, HTTP_ACCEPT_LANGUAGE="es")
    for header in ("es-ES,es;q=0.9,en;q=0.5", "de, es;q=0.8", "es-MX"):
        with CaptureQueriesContext(connection) as queries:
            response = reader.get(path, HTTP_ACCEPT_LANGUAGE=header)
        assert response.json()["results"][0]["name"] == NAMES["es"], header
        assert only_the_content_version(queries), header
    # A header that chooses no language of kb's shares English's copy.
    reader.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = reader.get(path, HTTP_ACCEPT_LANGUAGE="de-DE, xx;q=0.5")
    assert response.json()["results"][0]["name"] == NAMES["en"]
    assert only_the_content_version(queries)


def test_a_cached_api_answer_keeps_saying_its_language(reader, lantern):
    first = reader.get("/api/tactics/", HTTP_ACCEPT_LANGUAGE="fr")
    again = reader.get("/api/tactics/", HTTP_ACCEPT_LANGUAGE="fr")
    assert again["Content-Language"] == first["Content-Language"] == "fr"
    assert "Accept-Language" in again["Vary"]


def test_an_unknown_lang_is_refused_every_time_and_never_stored(reader, lantern):
    for _ in range(2):
        response = reader.get("/api/tactics/", {"lang": "xx"}, HTTP_ACCEPT_LANGUAGE="es")
        assert response.status_code == 400 and "lang" in response.json()
