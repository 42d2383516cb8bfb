"""Handouts (what each shows, in which order, with which options), short permanent links,
QR codes, and the matrix as a poster (kb.reading.handouts)."""

import re

import pytest
import segno
from django.utils import translation
from django.utils.translation import gettext

from kb.models import Actor, ActorGroup, Category, Status
from kb.reading.handouts import qr_code

from ..factories import cite, make_countermeasure, make_source, make_tactic, make_term

pytestmark = pytest.mark.django_db

LANGUAGES = ["", "/es", "/fr", "/ar"]


# --- which tactics, in which order -----------------------------------------------------------


def test_handout_keeps_the_given_order_with_countermeasures_and_references(reader):
    first, second = make_tactic("First"), make_tactic("Second")
    make_countermeasure("Seize servers", counters=[second])
    cite(second, make_source(title="The report"), "A quote from it")
    response = reader.get("/handout/", {"ids": f"{second.public_id},{first.public_id}"})
    assert [item.tactic.name for item in response.context["tactics"]] == ["Second", "First"]
    assert "Seize servers" in response.text and "The report" in response.text


def test_handout_groups_countermeasures_by_who_can_act_people_first(reader):
    tactic = make_tactic()
    police, ngo = make_term(Actor, "Police"), make_term(Actor, "Shelter staff")
    Actor.objects.filter(pk=police.pk).update(group=ActorGroup.LAW_ENFORCEMENT)
    Actor.objects.filter(pk=ngo.pk).update(group=ActorGroup.PEOPLE)
    make_countermeasure("Seize servers", actors=[police], counters=[tactic])
    make_countermeasure("Talk it through", actors=[ngo], counters=[tactic])
    text = reader.get("/handout/", {"ids": tactic.public_id}).text
    people = text.index("What NGO staff, families and individuals can do")
    police_heading = text.index("What law enforcement does")
    assert people < text.index("Talk it through") < police_heading < text.index("Seize servers")
    # Only groups with something recorded take room on the sheet.
    assert "What platforms and financial institutions do" not in text


def test_handout_reports_unknown_and_unpublished_ids(reader):
    shown = make_tactic("Shown")
    make_tactic("Leaked draft", status=Status.DRAFT)
    response = reader.get(
        "/handout/", {"ids": f"{shown.public_id.lower()},TT-9999,nonsense,TT-0002"}
    )
    assert [item.tactic.name for item in response.context["tactics"]] == ["Shown"]
    assert response.context["missing"] == ["TT-9999", "nonsense", "TT-0002"]
    assert "Leaked" not in response.text


def test_handout_ids_do_not_collide_between_tactics(reader):
    first, second = make_tactic("First"), make_tactic("Second")
    for tactic in (first, second):
        cite(tactic, make_source(), "Quote")
    text = reader.get("/handout/", {"ids": f"{first.public_id},{second.public_id}"}).text
    assert 'id="tt-0001-references"' in text and 'id="tt-0002-references"' in text


def test_handout_without_ids_explains_itself(reader):
    assert "Build a handout" in reader.get("/handout/").text


def test_each_tactic_links_to_the_handout_without_it_and_with_it_moved(reader):
    for name in ("One", "Two", "Three"):
        make_tactic(name)
    text = reader.get("/handout/", {"ids": "TT-0001,TT-0002,TT-0003"}).text
    links = re.findall(r'href="(/handout/\?[^"]*)" data-handout-ids>', text)
    assert links == [
        "/handout/?ids=TT-0002,TT-0001,TT-0003",  # first: down
        "/handout/?ids=TT-0002,TT-0003",  # remove the first
        "/handout/?ids=TT-0002,TT-0001,TT-0003",  # second: up
        "/handout/?ids=TT-0001,TT-0003,TT-0002",  # second: down
        "/handout/?ids=TT-0001,TT-0003",  # remove the second
        "/handout/?ids=TT-0001,TT-0003,TT-0002",  # third: up
        "/handout/?ids=TT-0001,TT-0002",  # remove the third
    ]


# --- what each tactic shows ----------------------------------------------------------------


@pytest.fixture
def full_tactic():
    tactic = make_tactic("Lantern", summary="Lantern summary.")
    tactic.indicators.create(text="A red flag to spot.")
    make_countermeasure("Beacon", counters=[tactic])
    cite(tactic, make_source(title="The study"), "Verbatim words of the study.")
    return tactic


def test_by_default_a_handout_shows_everything_but_the_quotes(reader, full_tactic):
    text = reader.get("/handout/", {"ids": full_tactic.public_id}).text
    for shown in ("Lantern summary.", "A red flag to spot.", "Beacon", "The study"):
        assert shown in text
    assert "Verbatim words of the study." not in text
    assert 'class="qr"' in text


def test_the_options_choose_what_a_handout_shows(reader, full_tactic):
    ids = full_tactic.public_id
    text = reader.get("/handout/", {"ids": ids, "references": "quotes"}).text
    assert "Verbatim words of the study." in text
    assert "Lantern summary." not in text and "Beacon" not in text  # no box ticked
    assert 'class="qr"' not in text
    text = reader.get(
        "/handout/", {"ids": ids, "include": ["red-flags", "links"], "references": "none"}
    ).text
    assert "A red flag to spot." in text and 'class="qr"' in text
    assert "Lantern summary." not in text and "The study" not in text


def test_the_options_are_kept_in_the_links_that_change_the_handout(reader):
    make_tactic("One"), make_tactic("Two")
    text = reader.get(
        "/handout/", {"ids": "TT-0001,TT-0002", "include": "summary", "references": "none"}
    ).text
    assert 'href="/handout/?ids=TT-0002&amp;include=summary&amp;references=none"' in text
    assert 'name="ids" value="TT-0001,TT-0002"' in text  # the options form keeps the tactics


def test_options_not_understood_are_named_and_ignored(reader, full_tactic):
    response = reader.get(
        "/handout/",
        {"ids": full_tactic.public_id, "include": ["summary", "<b>x"], "references": "all"},
    )
    assert response.status_code == 200
    assert response.context["options"].not_understood == ["<b>x", "all"]
    assert "&lt;b&gt;x" in response.text and "<b>x" not in response.text
    assert "Lantern summary." in response.text and "The study" in response.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_handout_in_every_language_links_to_short_addresses_in_it(reader, language):
    tactic = make_tactic("Lantern")
    response = reader.get(f"{language}/handout/", {"ids": tactic.public_id})
    assert response.status_code == 200
    assert f'href="http://testserver{language}/TT-0001/"' in response.text
    assert f'lang="{language.strip("/") or "en"}"' in response.text


# --- QR codes -------------------------------------------------------------------------------


def drawn_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules a segno SVG path draws (horizontal strokes of ``h`` lengths, ``m``
    moves), read back from the path's data."""
    path = re.search(r'<path [^>]*stroke="#000" d="([^"]+)"', svg)[1]
    x = y = 0.0
    dark = set()
    for command, numbers in re.findall(r"([Mmh])([-0-9. ]+)", path.replace("-", " -")):
        values = [float(n) for n in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            dark.update((int(x) + n, int(y)) for n in range(int(values[0])))
            x += values[0]
    return dark


def test_a_qr_code_draws_the_code_of_its_address_and_is_named():
    url = "https://kb.example.org/es/TT-0012/"
    svg = qr_code(url)
    code = segno.make(url, error="m")
    expected = {
        (x + 4, y + 4)  # segno's quiet zone of 4 modules
        for y, row in enumerate(code.matrix)
        for x, module in enumerate(row)
        if module
    }
    assert drawn_modules(svg) == expected
    assert "style" not in svg  # the CSP forbids style attributes
    assert 'role="img"' in svg and f'aria-label="QR code of {url}"' in svg


def test_the_handout_has_a_qr_code_of_itself_and_of_each_tactic(reader):
    make_tactic("One"), make_tactic("Two")
    text = reader.get("/handout/", {"ids": "tt-1,TT-0002"}).text
    labels = re.findall(r'<svg role="img" aria-label="QR code of ([^"]+)"', text)
    assert labels == [
        "http://testserver/handout/?ids=TT-0001,TT-0002",
        "http://testserver/TT-0001/",
        "http://testserver/TT-0002/",
    ]


# --- short permanent links ------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["TT-0001", "tt-1", "Tt-00001"])
def test_a_short_link_leads_to_the_tactic_in_any_spelling(reader, spelling):
    tactic = make_tactic("Lantern")
    response = reader.get(f"/{spelling}/")
    assert response.status_code == 301 and response["Location"] == tactic.get_absolute_url()


def test_a_short_link_without_its_slash_still_answers(reader):
    make_tactic("Lantern")
    assert reader.get("/TT-0001", follow=True).status_code == 200


@pytest.mark.parametrize("language", ["es", "fr", "ar"])
def test_a_short_link_under_a_language_leads_to_the_page_in_it(reader, language):
    tactic = make_tactic("Lantern")
    with translation.override(language):
        expected = tactic.get_absolute_url()
    assert expected.startswith(f"/{language}/tactics/TT-0001/")
    assert reader.get(f"/{language}/TT-0001/")["Location"] == expected


def test_short_links_name_countermeasures_and_sources_too(reader):
    countermeasure = make_countermeasure("Beacon", counters=[make_tactic()])
    source = make_source(title="Study")
    for entry in (countermeasure, source):
        response = reader.get(f"/{entry.public_id}/")
        assert response["Location"] == entry.get_absolute_url()


def test_short_links_never_stop_answering(reader):
    tactic = make_tactic("Lantern")
    old = reader.get("/TT-0001/", follow=True)
    tactic.name, tactic.slug = "Lantern renamed", "lantern-renamed"
    tactic.save()
    assert reader.get("/TT-0001/", follow=True).status_code == old.status_code == 200
    tactic.status = Status.RETIRED
    tactic.save()
    response = reader.get("/TT-0001/", follow=True)
    assert response.status_code == 200 and "Lantern renamed" in response.text


@pytest.mark.parametrize("address", ["/TT-9999/", "/XX-0001/", "/es/CM-0042/"])
def test_a_short_link_to_nothing_is_not_found(reader, address):
    assert reader.get(address).status_code == 404


def test_a_short_link_does_not_reveal_a_draft(reader):
    make_tactic("Secret", status=Status.DRAFT)
    assert reader.get("/TT-0001/").status_code == 404


# --- the poster ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_poster_shows_every_published_tactic_by_category(reader, language):
    category = make_term(Category, "Recruitment")
    make_tactic("Fake job ads", category=category)
    make_tactic("Leaked draft", status=Status.DRAFT, category=category)
    response = reader.get(f"{language}/matrix/poster/")
    assert response.status_code == 200
    text = response.text
    assert "Fake job ads" in text and "TT-0001" in text and "Leaked" not in text
    assert "Recruitment" in text
    with translation.override(language.strip("/") or "en"):
        qr_label = gettext("QR code of %(url)s") % {"url": f"http://testserver{language}/matrix/"}
    assert f'aria-label="{qr_label}"' in text
    assert "kb/poster.css" in text


def test_the_matrix_links_to_its_poster(reader):
    assert 'href="/matrix/poster/"' in reader.get("/matrix/").text


# --- "Add to handout" ------------------------------------------------------------------------


def test_tactic_pages_lists_and_search_offer_add_to_handout(reader):
    tactic = make_tactic("Lantern")
    button = f'data-handout-add="{tactic.public_id}"'
    for url in (tactic.get_absolute_url(), "/tactics/", "/search/?q=lantern"):
        assert button in reader.get(url).text, url


def test_every_page_has_the_handout_tray_and_its_script(reader):
    text = reader.get("/").text
    assert "data-handout-tray hidden" in text and "kb/handout.js" in text


def test_a_printed_handout_and_poster_state_the_content_licence(reader):
    tactic = make_tactic("Lantern")
    for url in (f"/handout/?ids={tactic.public_id}", "/matrix/poster/"):
        assert 'rel="license"' in reader.get(url).text, url
