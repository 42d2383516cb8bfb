"""Atom feeds in every language: /es/feeds/tactics/ is Spanish, its items' names and
summaries the published translations (else the English), its links to the Spanish pages."""

import xml.etree.ElementTree as ET

import pytest

from kb.curation.workflow import propose_revision
from kb.models import Category, Status

from ..factories import make_tactic, make_term

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def feed(reader, url: str) -> ET.Element:
    response = reader.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def entries(root: ET.Element) -> list[dict]:
    return [
        {
            "title": entry.find(f"{ATOM}title").text,
            "summary": entry.find(f"{ATOM}summary").text,
            "link": entry.find(f"{ATOM}link").get("href"),
            "category": entry.find(f"{ATOM}category").get("term"),
        }
        for entry in root.iter(f"{ATOM}entry")
    ]


@pytest.fixture
def control() -> Category:
    category = make_term(Category, "Control")
    category.name_es, category.name_ar = "Control (es)", "السيطرة"
    category.save()
    return category


@pytest.fixture
def tactics(control):
    """One tactic translated into Spanish and Arabic, and a newer one into neither."""
    translated = make_tactic(
        "Lantern signals",
        summary="Signals with a lantern.",
        name_es="Señales con linterna",
        summary_es="Señales hechas con una linterna.",
        name_ar="إشارات الفانوس",
        summary_ar="إشارات بالفانوس.",
        category=control,
    )
    untranslated = make_tactic("Beacon", summary="A beacon.", category=control)
    return translated, untranslated


def test_the_spanish_feed_is_in_spanish_with_links_to_the_spanish_pages(reader, tactics):
    # Addresses worked out before any request, in English (a request leaves its language
    # active in the test's thread).
    translated, untranslated = (tactic.get_absolute_url() for tactic in tactics)
    root = feed(reader, "/es/feeds/tactics/")
    assert root.get(XML_LANG) == "es"
    assert root.find(f"{ATOM}link").get("href") == "http://testserver/es/tactics/"
    assert root.find(f"{ATOM}id").text == "http://testserver/es/tactics/"
    beacon, lantern = entries(root)  # newest first
    assert lantern == {
        "title": "Señales con linterna (TT-0001)",
        "summary": "Señales hechas con una linterna.",
        "link": f"http://testserver/es{translated}",
        "category": "Control (es)",
    }
    # Not translated yet: the English, on its Spanish page (which says so).
    assert beacon["title"] == "Beacon (TT-0002)" and beacon["summary"] == "A beacon."
    assert beacon["link"] == f"http://testserver/es{untranslated}"


def test_the_arabic_feed_is_in_arabic(reader, tactics):
    root = feed(reader, "/ar/feeds/tactics/")
    assert root.get(XML_LANG) == "ar"
    lantern = entries(root)[1]
    assert lantern["title"] == "إشارات الفانوس (TT-0001)"
    assert lantern["summary"] == "إشارات بالفانوس."
    assert lantern["link"].startswith("http://testserver/ar/tactics/TT-0001/")
    assert lantern["category"] == "السيطرة"


def test_a_category_feed_is_in_its_language_too(reader, tactics):
    root = feed(reader, "/es/feeds/tactics/control/")
    assert root.get(XML_LANG) == "es"
    assert "Control (es)" in root.find(f"{ATOM}title").text
    link = root.find(f"{ATOM}link").get("href")
    assert link == "http://testserver/es/tactics/?category=control"
    assert [e["title"] for e in entries(root)][1] == "Señales con linterna (TT-0001)"


def test_the_english_feed_stays_english(reader, tactics):
    root = feed(reader, "/feeds/tactics/")
    assert root.get(XML_LANG) == "en"
    assert [e["title"] for e in entries(root)] == ["Beacon (TT-0002)", "Lantern signals (TT-0001)"]
    assert all(e["link"].startswith("http://testserver/tactics/") for e in entries(root))


def test_a_pending_spanish_translation_is_not_in_the_spanish_feed(reader):
    tactic = make_tactic("Lantern signals", summary="Signals with a lantern.")

    def translate(entry) -> None:
        entry.name_es, entry.summary_es = "Pendiente", "Traducción pendiente."
        entry.save()

    assert propose_revision(tactic, author=None, note="Spanish", edit=translate) is not None
    (item,) = entries(feed(reader, "/es/feeds/tactics/"))
    assert item["title"] == "Lantern signals (TT-0001)"
    assert item["summary"] == "Signals with a lantern."


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.RETIRED])
def test_an_unpublished_entry_with_a_spanish_translation_is_in_no_feed(reader, control, status):
    make_tactic("Shown", category=control)
    make_tactic("Hidden", status=status, category=control, name_es="Oculta", summary_es="Oculta.")
    for url in ("/es/feeds/tactics/", "/es/feeds/tactics/control/", "/feeds/tactics/"):
        assert [e["title"] for e in entries(feed(reader, url))] == ["Shown (TT-0001)"], url
