"""The sitemap in every language: each public page at its address in each language, with
its alternates in all of them and x-default, and nothing unpublished in any language."""

import xml.etree.ElementTree as ET

import pytest

from kb.curation.workflow import propose_revision
from kb.models import Status
from kb.reading.sitemaps import InEveryLanguage

from ..factories import make_countermeasure, make_source, make_tactic

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
PREFIXES = {"en": "", "es": "/es", "fr": "/fr", "ar": "/ar"}


def urls(reader) -> dict[str, dict[str, str]]:
    """Every address of every part the index names, with its alternates by hreflang."""
    index = ET.fromstring(reader.get("/sitemap.xml").content)
    found = {}
    for part in index.iter(f"{SITEMAP}loc"):
        for url in ET.fromstring(reader.get(part.text).content).iter(f"{SITEMAP}url"):
            found[url.find(f"{SITEMAP}loc").text] = {
                link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")
            }
    return found


def test_every_entry_is_listed_in_every_language_with_its_alternates(reader):
    entries = [make_tactic("Shown"), make_countermeasure("Shown too"), make_source(title="Report")]
    listed = urls(reader)
    for entry in entries:
        path = entry.get_absolute_url()
        everywhere = {code: f"http://testserver{prefix}{path}" for code, prefix in PREFIXES.items()}
        for address in everywhere.values():
            assert listed[address] == {**everywhere, "x-default": everywhere["en"]}, address


def test_the_list_pages_are_listed_in_every_language(reader):
    listed = urls(reader)
    for path in ("/", "/tactics/", "/countermeasures/", "/sources/", "/matrix/"):
        for prefix in PREFIXES.values():
            assert f"http://testserver{prefix}{path}" in listed
    assert listed["http://testserver/es/matrix/"]["ar"] == "http://testserver/ar/matrix/"


def test_no_unpublished_entry_is_listed_in_any_language(reader):
    shown = make_tactic("Shown")
    for status in (Status.DRAFT, Status.IN_REVIEW, Status.RETIRED):
        make_tactic(f"Hidden {status}", status=status, name_es="Oculta", summary_es="Oculta.")
        make_countermeasure(f"Hidden {status}", status=status, name_es="Oculta")
        make_source(title=f"Hidden {status}", status=status)

    def translate(tactic) -> None:
        tactic.name_es = "Pendiente"
        tactic.save()

    # A pending translation changes no address, and adds none.
    assert propose_revision(shown, author=None, note="Spanish", edit=translate) is not None
    listed = urls(reader)
    assert "hidden" not in " ".join(listed).lower() and "TT-0002" not in " ".join(listed)
    assert sum(address.endswith(shown.get_absolute_url()) for address in listed) == len(PREFIXES)


def test_a_part_reads_only_the_entries_of_its_page():
    tactics = [make_tactic(f"Tactic {n}") for n in range(5)]
    items = InEveryLanguage(tactics[0].__class__.objects.order_by("pk"), ["en", "es"])
    assert len(items) == 10
    assert [(t.name, code) for t, code in items[3:6]] == [
        ("Tactic 1", "es"),
        ("Tactic 2", "en"),
        ("Tactic 2", "es"),
    ]
    assert items[-1][0].name == "Tactic 4" and items[-1][1] == "es"
    assert list(items[9:20]) == [(items[9][0], "es")]
