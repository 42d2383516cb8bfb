"""Search documents follow every change to what they show, whatever path made it."""

import pytest
from django.core.management import call_command

from kb import bulk
from kb.models import Category, SearchDocument, SearchWord, Status, Technology
from kb.search import indexing

from ..factories import cite, make_countermeasure, make_source, make_tactic, make_term

pytestmark = pytest.mark.django_db


def document_of(entry) -> SearchDocument | None:
    return SearchDocument.objects.filter(**{type(entry)._meta.model_name: entry}).first()


def vocabulary() -> dict[str, int]:
    return dict(SearchWord.objects.values_list("word", "document_count"))


def test_only_published_entries_have_documents():
    published = make_tactic("Published one")
    draft = make_tactic("Draft one", status=Status.DRAFT)
    assert document_of(published).title == "Published one"
    assert document_of(draft) is None


def test_publishing_and_retiring_add_and_remove_the_document():
    tactic = make_tactic("Lantern", status=Status.IN_REVIEW)
    tactic.apply("publish")
    tactic.save()
    assert document_of(tactic) is not None
    assert vocabulary()["lantern"] == 1
    tactic.apply("retire")
    tactic.save()
    assert document_of(tactic) is None
    assert "lantern" not in vocabulary()


def test_edits_to_related_rows_reach_the_document():
    gps = make_term(Technology, "GPS")
    tactic = make_tactic("Tracking", technologies=[gps])
    assert "GPS" in document_of(tactic).keywords

    indicator = tactic.indicators.create(text="Phone shares location")
    assert "Phone shares location" in document_of(tactic).indicators
    indicator.delete()
    assert "Phone shares location" not in document_of(tactic).indicators

    gps.name = "Satellite positioning"
    gps.save()
    assert "Satellite positioning" in document_of(tactic).keywords

    tactic.technologies.remove(gps)
    assert "Satellite" not in document_of(tactic).keywords


def test_category_rename_reaches_the_document():
    category = make_term(Category, "Control")
    tactic = make_tactic(category=category)
    category.name = "Surveillance"
    category.save()
    assert "Surveillance" in document_of(tactic).keywords


def test_quotes_from_an_unpublished_source_are_not_searchable():
    source = make_source()
    tactic = make_tactic()
    cite(tactic, source, "a secret quote")
    assert "a secret quote" in document_of(tactic).body
    source.status = Status.DRAFT
    source.save()
    assert "a secret quote" not in document_of(tactic).body


def test_countermeasure_document_has_actors_and_quotes():
    from kb.models import Actor

    countermeasure = make_countermeasure("Monitoring", actors=[make_term(Actor, "NGOs")])
    cite(countermeasure, make_source(), "Many cases have begun")
    document = document_of(countermeasure)
    assert "NGOs" in document.keywords and "Many cases have begun" in document.body


def test_deleting_an_entry_removes_its_document_and_words():
    tactic = make_tactic("Zeppelin")
    tactic.indicators.create(text="Airship sighted")
    cite(tactic, make_source(title="Report"), "A zeppelin was seen")
    tactic.delete()
    assert not SearchDocument.objects.filter(kind="tactic").exists()
    assert "zeppelin" not in vocabulary() and "airship" not in vocabulary()


def test_incremental_vocabulary_equals_a_full_rebuild():
    technology = make_term(Technology, "Satellite")
    first = make_tactic("Lantern signals", technologies=[technology])
    make_tactic("Lantern codes", summary="Signals in the dark.")
    first.indicators.create(text="Dark windows")
    first.delete()
    incremental = vocabulary()
    call_command("rebuild_search_index", verbosity=0)
    assert vocabulary() == incremental


def test_rebuild_recreates_every_document():
    make_tactic("One")
    make_countermeasure("Two")
    make_source(title="Three")
    SearchDocument.objects.all().delete()
    counts = indexing.rebuild()
    assert (counts["tactic"], counts["countermeasure"], counts["source"]) == (1, 1, 1)
    assert SearchDocument.objects.count() == 3


def test_indexed_text_cannot_forge_highlight_markers():
    from kb.search.text import MARK_START

    tactic = make_tactic(f"Sneaky {MARK_START} title")
    assert MARK_START not in document_of(tactic).title


def test_suspended_indexing_leaves_the_rebuild_to_the_caller():
    with bulk.operation():
        tactic = make_tactic("Bulk loaded")
        make_tactic("Bulk deleted").delete()
    assert document_of(tactic) is None
    indexing.rebuild()
    assert document_of(tactic).title == "Bulk loaded"
    assert list(SearchDocument.objects.values_list("title", flat=True)) == ["Bulk loaded"]


def test_deleting_a_term_removes_it_from_documents():
    satellite = make_term(Technology, "Satellite")
    tactic = make_tactic("Tracking", technologies=[satellite])
    satellite.delete()
    assert "Satellite" not in document_of(tactic).keywords
