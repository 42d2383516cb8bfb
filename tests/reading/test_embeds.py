"""Embeddable cards: what they show, in every language and at every version, who may frame
them (and that no other page may be framed), and that nothing unpublished has one."""

import pytest

from kb.models import Status

from ..factories import make_countermeasure, make_source, make_tactic, publish_change
from ..markup import executable_parts
from ..web.test_security import directives

pytestmark = pytest.mark.django_db


@pytest.fixture
def tactic():
    tactic = make_tactic("Lantern signals", summary="Signals sent by lantern.")
    tactic.indicators.create(text="A light in the window", position=1)
    tactic.indicators.create(text="Two lights in the window", position=2)
    return tactic


def test_a_tactic_card_shows_name_summary_red_flags_id_and_a_link_out(reader, tactic):
    response = reader.get(f"/embed/{tactic.public_id}/")
    assert response.status_code == 200
    text = response.text
    shown = ["Lantern signals", "Signals sent by lantern.", "A light in the window",
             "Two lights in the window", tactic.public_id, "Trafficking Technology"]  # fmt: skip
    assert all(part in text for part in shown)
    full_page = f"http://testserver{tactic.get_absolute_url()}"
    assert f'<a href="{full_page}" target="_blank" rel="noopener"' in text
    assert f'<link rel="canonical" href="{full_page}">' in text


def test_a_countermeasure_card_lists_the_published_tactics_it_counters(reader, tactic):
    hidden = make_tactic("Hidden draft", status=Status.DRAFT)
    countermeasure = make_countermeasure("Beacon", counters=[tactic, hidden])
    text = reader.get(f"/embed/{countermeasure.public_id}/").text
    assert "Beacon" in text and "Lantern signals" in text and tactic.public_id in text
    assert "Hidden draft" not in text


def test_the_card_needs_no_script_and_styles_itself_from_this_site(reader, tactic):
    text = reader.get(f"/embed/{tactic.public_id}/").text
    assert executable_parts(text) == []
    assert "<script" not in text and "style=" not in text
    assert '<link rel="stylesheet" href="/static/kb/embed.css">' in text


@pytest.mark.parametrize("prefix,direction", [("/es", "ltr"), ("/fr", "ltr"), ("/ar", "rtl")])
def test_the_card_is_in_the_language_of_its_address(reader, tactic, prefix, direction):
    tactic.name_es = tactic.name_fr = tactic.name_ar = "Señales"
    tactic.summary_es = tactic.summary_fr = tactic.summary_ar = "Resumen."
    tactic.save()
    page = tactic.get_absolute_url()
    response = reader.get(f"{prefix}/embed/{tactic.public_id}/")
    language = prefix.strip("/")
    assert f'<html lang="{language}" dir="{direction}">' in response.text
    assert "Señales" in response.text
    assert f'href="http://testserver{prefix}{page}"' in response.text
    # A red flag not yet translated is shown in English, and says so.
    assert '<li lang="en">A light in the window</li>' in response.text


def test_a_version_card_shows_the_entry_as_that_version_published_it(reader, tactic):
    publish_change(tactic, "First")
    publish_change(tactic, "Renamed", name="Lantern codes")
    first = reader.get(f"/embed/{tactic.public_id}/v1/")
    assert first.status_code == 200
    assert "Lantern signals" in first.text and "Lantern codes" not in first.text
    assert f'href="http://testserver/tactics/{tactic.public_id}/v1/"' in first.text
    assert "Lantern codes" in reader.get(f"/embed/{tactic.public_id}/").text
    assert reader.get(f"/embed/{tactic.public_id}/v3/").status_code == 404


def test_other_spellings_of_the_id_redirect_permanently(reader, tactic):
    publish_change(tactic, "First")
    number = int(tactic.public_id.split("-")[1])
    response = reader.get(f"/embed/tt-{number}/")
    assert response.status_code == 301 and response["Location"] == f"/embed/{tactic.public_id}/"
    response = reader.get(f"/es/embed/tt-{number}/v1/")
    assert response.status_code == 301
    assert response["Location"] == f"/es/embed/{tactic.public_id}/v1/"


def test_only_public_tactics_and_countermeasures_have_cards(reader):
    for status in (Status.DRAFT, Status.IN_REVIEW):
        draft = make_tactic(status=status)
        publish_change(draft, "Not really")
        assert reader.get(f"/embed/{draft.public_id}/").status_code == 404
        assert reader.get(f"/embed/{draft.public_id}/v1/").status_code == 404
        countermeasure = make_countermeasure(status=status)
        assert reader.get(f"/embed/{countermeasure.public_id}/").status_code == 404
    source = make_source()
    assert reader.get(f"/embed/{source.public_id}/").status_code == 404
    assert reader.get("/embed/TT-9999/").status_code == 404
    assert reader.get("/embed/XX-0001/").status_code == 404


def test_a_retired_entry_keeps_its_card_saying_so_and_naming_its_replacement(reader, tactic):
    replacement = make_tactic("Better lanterns")
    tactic.status, tactic.replaced_by = Status.RETIRED, replacement
    tactic.save()
    text = reader.get(f"/embed/{tactic.public_id}/").text
    assert "This entry is retired." in text
    assert f'<a href="{replacement.get_absolute_url()}" target="_blank"' in text


def test_cards_alone_may_be_framed(reader, tactic):
    publish_change(tactic, "First")
    for url in (f"/embed/{tactic.public_id}/", f"/ar/embed/{tactic.public_id}/v1/"):
        response = reader.get(url)
        policy = directives(response["Content-Security-Policy"])
        assert policy["frame-ancestors"] == ["https:", "http:"], url
        assert policy["default-src"] == ["'self'"] and policy["script-src"] == ["'self'"]
        assert "X-Frame-Options" not in response, url
    for url in ("/", tactic.get_absolute_url(), f"/tactics/{tactic.public_id}/v1/"):
        response = reader.get(url)
        assert directives(response["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]
        assert response["X-Frame-Options"] == "DENY", url


@pytest.mark.django_db(transaction=True)
@pytest.mark.page_cache
def test_a_cached_card_keeps_its_own_framing_headers(reader, tactic):
    url = f"/embed/{tactic.public_id}/"
    first = reader.get(url)
    second = reader.get(url)
    assert second.content == first.content and "ETag" in second
    assert directives(second["Content-Security-Policy"])["frame-ancestors"] == ["https:", "http:"]
    assert "X-Frame-Options" not in second
    page = reader.get(tactic.get_absolute_url())
    assert reader.get(tactic.get_absolute_url())["X-Frame-Options"] == page["X-Frame-Options"]
    assert page["X-Frame-Options"] == "DENY"


@pytest.mark.page_cache
def test_a_card_stays_fresh_in_the_readers_browser_for_ten_minutes(reader, tactic):
    # A framed card has no service worker: without this, every repeat visit waits a round
    # trip (400 ms on slow 3G) to hear the card has not changed.
    for _ in range(2):  # rendered, then from the page cache
        response = reader.get(f"/embed/{tactic.public_id}/")
        assert response.status_code == 200
        assert "public" in response["Cache-Control"]
        assert "max-age=600" in response["Cache-Control"]
    # Pages in general are still asked for again each time.
    assert "max-age=0" in reader.get(tactic.get_absolute_url())["Cache-Control"]
