"""The offline search index: the published search documents of one language, as a script."""

import json

import pytest

from kb.models import Status
from kb.offline.search_index import FIELDS, search_index, search_index_script

from ..factories import make_source, make_tactic

pytestmark = pytest.mark.django_db


def test_each_published_entry_is_one_document_with_its_words_by_field():
    tactic = make_tactic(
        "Fake job offers",
        summary="Résumé requests from recruiters that do not exist.",
        description="Posted on *social media*.",
    )
    tactic.indicators.create(text="A salary far above the market", position=1)
    index = search_index("en")
    assert index["language"] == "en"
    assert [field["name"] for field in index["fields"]] == [name for name, _ in FIELDS]
    (document,) = index["documents"]
    assert document["id"] == tactic.public_id
    assert document["kind"] == "tactic"
    assert document["title"] == "Fake job offers"
    # Relative to the language's home page: the site adds /es/, the copy its folder.
    assert document["path"] == tactic.get_absolute_url().removeprefix("/")
    title, summary, keywords, body = (set(words.split()) for words in document["words"])
    assert title == {"fake", "job", "offers"}
    assert {"resume", "recruiters", "salary", "market"} <= summary  # folded: no accents
    assert tactic.public_id.lower().split("-")[0] in keywords
    assert {"posted", "social", "media"} <= body
    assert "the" in index["stopwords"]


def test_drafts_and_retired_entries_are_not_in_the_index():
    make_tactic("Visible lantern")
    make_tactic("Hidden draft", status=Status.DRAFT)
    make_tactic("Hidden retired", status=Status.RETIRED)
    make_source(title="Hidden report", status=Status.IN_REVIEW)
    text = search_index_script("en")
    assert "Visible lantern" in text
    assert "Hidden" not in text.replace('"hidden"', "")


def test_each_language_has_its_own_index_and_addresses():
    tactic = make_tactic("Lantern", name_es="Linterna", slug="lantern")
    spanish = search_index("es")
    (document,) = spanish["documents"]
    assert document["title"] == "Linterna"
    assert document["path"] == tactic.get_absolute_url().removeprefix("/")
    assert "de" in spanish["stopwords"]


def test_the_script_sets_one_global_to_the_index():
    make_tactic("Lantern")
    text = search_index_script("fr")
    prefix = "window.kbSearchIndex = "
    assert text.startswith(prefix)
    assert json.loads(text.removeprefix(prefix).rstrip().removesuffix(";")) == search_index("fr")
