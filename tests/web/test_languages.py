"""Every public page in every language: its address, its language and direction, its
alternates, and a switcher that leads to the same page in the other languages."""

from __future__ import annotations

import re

import pytest

from kb.models import Status
from kb.models.translations import content_languages

from ..factories import cite, make_countermeasure, make_source, make_tactic, publish_change

pytestmark = pytest.mark.django_db

PREFIX = {"en": "", "es": "/es", "fr": "/fr", "ar": "/ar"}
DIRECTION = {"en": "ltr", "es": "ltr", "fr": "ltr", "ar": "rtl"}


@pytest.fixture
def pages() -> dict[str, str]:
    """One page of every public type, as its English (unprefixed) path."""
    tactic = make_tactic(
        "Lantern signals",
        summary="Lights used to signal.",
        name_es="Señales de linterna",
        summary_es="Luces usadas para hacer señales.",
    )
    countermeasure = make_countermeasure("Beacon watch", counters=[tactic])
    source = make_source(title="Harbour report")
    cite(tactic, source, "A quote")
    publish_change(tactic, "A second version", summary="Lights used to signal at night.")
    return {
        "home": "/",
        "tactic list": "/tactics/",
        "tactic search": "/tactics/?q=lantern",
        "tactic": tactic.get_absolute_url(),
        "tactic changes": f"/tactics/{tactic.public_id}/changes/",
        "tactic version": f"/tactics/{tactic.public_id}/v1/",
        "countermeasure list": "/countermeasures/",
        "countermeasure": countermeasure.get_absolute_url(),
        "source list": "/sources/",
        "source": source.get_absolute_url(),
        "search": "/search/?q=lantern",
        "matrix": "/matrix/",
        "handout": f"/handout/?ids={tactic.public_id}",
        "what's new": "/whats-new/",
        "downloads": "/downloads/",
        "suggest": "/suggest/",
    }


def html_tag(page: str) -> str:
    return re.search(r"<html[^>]*>", page)[0]


def alternates(page: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', page))


def switcher(page: str) -> dict[str, str]:
    nav = re.search(r'<nav class="languages".*?</nav>', page, re.S)[0]
    return {lang: href for href, lang in re.findall(r'href="([^"]+)" hreflang="([^"]+)"', nav)}


@pytest.mark.parametrize("language", content_languages())
def test_every_page_type_answers_in_every_language(reader, pages, language):
    for kind, path in pages.items():
        address = PREFIX[language] + path
        response = reader.get(address)
        assert response.status_code == 200, (kind, address)
        page = response.text
        assert html_tag(page) == f'<html lang="{language}" dir="{DIRECTION[language]}">', kind
        expected = {code: f"http://testserver{PREFIX[code]}{path}" for code in content_languages()}
        expected["x-default"] = f"http://testserver{path}"
        assert alternates(page) == expected, kind
        assert switcher(page) == {code: f"{PREFIX[code]}{path}" for code in content_languages()}
        nav = re.search(r'<nav class="languages".*?</nav>', page, re.S)[0]
        assert re.findall(r'hreflang="(\w+)"[^>]*aria-current="true"', nav) == [language]


def test_addresses_without_a_prefix_stay_english_whatever_the_browser_asks(reader, pages):
    for path in pages.values():
        page = reader.get(path, HTTP_ACCEPT_LANGUAGE="es,fr;q=0.9,ar;q=0.8").text
        assert html_tag(page) == '<html lang="en" dir="ltr">', path
    tactic = reader.get(pages["tactic"], HTTP_ACCEPT_LANGUAGE="es").text
    assert '<h1 lang="en">Lantern signals' in tactic
    assert "Señales" not in tactic


def test_a_translated_entry_reads_in_the_readers_language(reader, pages):
    page = reader.get("/es" + pages["tactic"]).text
    assert "Señales de linterna" in page
    assert "Luces usadas para hacer señales." in page


def test_unknown_language_prefixes_are_not_found(reader, pages):
    assert reader.get("/de" + pages["tactic"]).status_code == 404
    assert reader.get("/xx/tactics/").status_code == 404


def test_permanent_ids_are_the_same_in_every_language(reader, pages):
    tactic_path = pages["tactic"]
    public_id = tactic_path.split("/")[2]
    for prefix in PREFIX.values():
        short = reader.get(f"{prefix}/tactics/{public_id.lower()}/")
        assert short.status_code == 301
        assert short["Location"] == prefix + tactic_path


def test_links_inside_a_page_stay_in_its_language(reader, pages):
    page = reader.get("/fr/tactics/").text
    main = re.search(r"<main.*</main>", page, re.S)[0]
    entry_links = re.findall(r'href="(/[^"]*tactics/TT-[^"]*)"', main)
    assert entry_links
    assert all(link.startswith("/fr/") for link in entry_links)


def test_a_withdrawn_entry_keeps_answering_in_every_language(reader):
    path = make_tactic("Old lantern", status=Status.WITHDRAWN).get_absolute_url()
    for prefix in PREFIX.values():
        assert reader.get(prefix + path).status_code == 200


def test_dates_are_written_in_the_readers_language(reader, pages):
    months = (
        "|".join(
            ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto"),
        )
        + "|septiembre|octubre|noviembre|diciembre"
    )
    page = reader.get("/es" + pages["tactic changes"]).text
    assert re.search(rf"\d+ (de )?({months}) (de )?\d{{4}}", page), "a Spanish date"
    assert not re.search(
        r"\d+ (January|February|March|April|May|June|July|August|September"
        r"|October|November|December) \d{4}",
        page,
    )


def test_the_admin_follows_the_editors_browser(reader):
    spanish = reader.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="es")
    assert spanish["Content-Language"] == "es"
    assert '<html lang="es"' in spanish.text
    english = reader.get("/admin/login/")
    assert english["Content-Language"] == "en"
    assert "Accept-Language" in spanish["Vary"]


def test_the_scripts_strings_come_in_the_pages_language_and_are_kept_a_day(reader):
    catalog = reader.get("/es/jsi18n/")
    assert catalog.status_code == 200
    assert catalog["Content-Type"].startswith("text/javascript")
    assert "max-age=86400" in catalog["Cache-Control"]
    page = reader.get("/es/").text
    assert '<script src="/es/jsi18n/" defer></script>' in page
