"""The list of public pages that the offline copy renders and the service worker saves."""

import pytest

from kb.models import Status
from kb.offline.pages import published_pages, published_pages_in_every_language

from ..factories import make_countermeasure, make_source, make_tactic

pytestmark = pytest.mark.django_db


def test_every_published_entry_and_page_is_listed_in_the_language_asked_for():
    tactic = make_tactic("Lantern")
    countermeasure = make_countermeasure("Beacon", counters=[tactic])
    source = make_source(title="Harbour report")
    english = published_pages("en")
    assert english[:4] == ["/", "/matrix/", "/whats-new/", "/offline/search/"]
    assert {"/tactics/", "/countermeasures/", "/sources/"} <= set(english)
    for entry in (tactic, countermeasure, source):
        assert entry.get_absolute_url() in english
    spanish = published_pages("es")
    assert spanish[0] == "/es/"
    assert f"/es{tactic.get_absolute_url()}" in spanish
    assert all(address.startswith("/es/") for address in spanish)
    assert list(published_pages_in_every_language()) == ["en", "es", "fr", "ar"]


def test_entries_readers_cannot_see_are_never_listed():
    make_tactic("Lantern")
    hidden = [
        make_tactic(f"Hidden {status}", status=status)
        for status in (Status.DRAFT, Status.IN_REVIEW, Status.RETIRED)
    ]
    hidden.append(make_source(title="Draft report", status=Status.DRAFT))
    addresses = " ".join(published_pages("en"))
    for entry in hidden:
        assert entry.public_id not in addresses


def test_a_long_list_is_listed_page_by_page(settings):
    settings.KB_PAGE_SIZE = 2
    for number in range(5):
        make_tactic(f"Lantern {number}")
    pages = published_pages("fr")
    assert [p for p in pages if p.startswith("/fr/tactics/?")] == [
        "/fr/tactics/?page=2",
        "/fr/tactics/?page=3",
    ]


def test_every_listed_page_answers(reader):
    tactic = make_tactic("Lantern")
    make_countermeasure("Beacon", counters=[tactic])
    for address in published_pages("ar"):
        assert reader.get(address).status_code == 200, address
