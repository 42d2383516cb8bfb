"""kb.lists.filters: a list's parameters. What a reader (or a client of the API) asks for and
kb does not know is named in plain words, with the value they gave, on the page next to the
filter and above the results, and in the API's 400; never a server error."""

from __future__ import annotations

import re
from html import unescape

import pytest

from kb.lists.fields import QUOTED_LENGTH, quoted
from kb.models import Platform

from ..factories import make_countermeasure, make_tactic, make_term

pytestmark = pytest.mark.django_db

#: (list, parameter, value, the message about it)
NOT_UNDERSTOOD = [
    (
        "tactics",
        "platform",
        "whatsap",
        "There is no platform called “whatsap”. Choose one from the list.",
    ),
    (
        "tactics",
        "technology",
        "gsp",
        "There is no technology called “gsp”. Choose one from the list.",
    ),
    (
        "tactics",
        "category",
        "nope",
        "There is no category called “nope”. Choose one from the list.",
    ),
    ("tactics", "stage", "later", "There is no stage called “later”. Choose one from the list."),
    (
        "tactics",
        "group",
        "teens",
        "There is no targeted group called “teens”. Choose one from the list.",
    ),
    ("tactics", "actor", "nobody", "There is no actor called “nobody”. Choose one from the list."),
    (
        "tactics",
        "sort",
        "size",
        "The results cannot be sorted by “size”. Choose an order from the list.",
    ),
    (
        "tactics",
        "exact",
        "yes",
        "“exact” can only be 1 (search the words exactly as typed), not “yes”.",
    ),
    (
        "countermeasures",
        "kind",
        "teleport",
        "There is no kind of response called “teleport”. Choose one from the list.",
    ),
    (
        "countermeasures",
        "actor",
        "nobody",
        "There is no actor called “nobody”. Choose one from the list.",
    ),
    (
        "sources",
        "kind",
        "rumour",
        "There is no kind of source called “rumour”. Choose one from the list.",
    ),
    (
        "search",
        "type",
        "spaceship",
        "There is no type of result called “spaceship”. Choose one from the list.",
    ),
]


def text_of(html: str) -> str:
    """A page's text, tags left out, as a reader sees it."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def something_listed() -> None:
    make_tactic("Tracking through phones")
    make_countermeasure("Phone checks")


@pytest.mark.parametrize(("kind", "name", "value", "message"), NOT_UNDERSTOOD)
def test_a_value_kb_does_not_know_is_named_in_plain_words_on_the_page(
    reader, something_listed, kind, name, value, message
):
    response = reader.get(f"/{kind}/", {name: value})
    assert response.status_code == 200
    page = response.text
    # In the notice above the results, and next to the filter when the form shows one.
    notice = page[page.index('role="alert"') : page.index('class="result-count"')]
    assert message in text_of(notice)
    assert "Select a valid choice" not in page and "available choices" not in page
    if name != "exact":  # a hidden field: said above the results only
        said = "id_sort_error" if name == "sort" else f"{name}-error"
        error = re.search(rf'<p class="filter-error" id="{said}">(.*?)</p>', page)
        assert error is not None and text_of(error.group(1)) == message
        assert f'aria-describedby="{said}"' in page  # read out with the filter


@pytest.mark.parametrize(("kind", "name", "value", "message"), NOT_UNDERSTOOD)
def test_the_api_refuses_the_same_value_with_the_same_words(reader, kind, name, value, message):
    response = reader.get(f"/api/{kind}/", {name: value})
    assert response.status_code == 400
    assert response.json() == {name: [message]}


def test_what_is_understood_still_applies_beside_what_is_not(reader):
    make_tactic("Messaging apps", platforms=[make_term(Platform, "WhatsApp")])
    make_tactic("Something else")
    page = reader.get("/tactics/", {"platform": ["whatsapp"], "sort": "size"}).text
    assert "1 tactic match these filters." in text_of(page)
    assert "The results cannot be sorted by “size”." in text_of(page)
    assert "There is no platform" not in text_of(page)


@pytest.mark.parametrize(
    "value",
    [
        "x" * 5000,
        "a\x00b",
        "\x1b[31mred",
        "<script>alert(1)</script>",
        "%",
        "日本語",
        "' OR 1=1 --",
    ],
)
@pytest.mark.parametrize("path", ["/tactics/", "/countermeasures/", "/search/"])
def test_no_value_ever_makes_a_server_error(reader, path, value):
    name = "type" if path == "/search/" else "actor"
    page = reader.get(path, {name: value, "sort": value})
    assert page.status_code == 200
    assert "<script>alert" not in page.text
    api = reader.get(f"/api{path}", {name: value})
    assert api.status_code == 400 and name in api.json()


def test_a_long_value_is_repeated_cut_short_on_one_line():
    assert quoted("whatsap") == "whatsap"
    long = quoted("word " * 100)
    assert len(long) == QUOTED_LENGTH and long.endswith("…")
    assert quoted("two\nlines\x00") == "two lines"
