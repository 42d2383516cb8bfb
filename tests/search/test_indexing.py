"""Search documents follow every change to what they show, whatever path made it, in every
language: one document per published entry and language."""

import pytest
from django.core.management import call_command

from kb import bulk
from kb.models import Category, SearchDocument, SearchWord, Status, Technology
from kb.search import indexing

from ..factories import cite, make_countermeasure, make_source, make_tactic, make_term

pytestmark = pytest.mark.django_db


LANGUAGES = ["en", "es", "fr", "ar"]


def document_of(entry, language: str = "en") -> SearchDocument | None:
    kind = type(entry)._meta.model_name
    return SearchDocument.objects.filter(**{kind: entry}, language=language).first()


def languages_of(entry) -> list[str]:
    kind = type(entry)._meta.model_name
    found = SearchDocument.objects.filter(**{kind: entry}).values_list("language", flat=True)
    return sorted(found)


def vocabulary(language: str = "en") -> dict[str, int]:
    return dict(SearchWord.objects.filter(language=language).values_list("word", "document_count"))


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
    assert SearchDocument.objects.count() == 3 * len(LANGUAGES)
    assert sorted(SearchDocument.objects.values_list("language", flat=True).distinct()) == sorted(
        LANGUAGES
    )


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
    assert list(SearchDocument.objects.values_list("title", flat=True)) == ["Bulk loaded"] * len(
        LANGUAGES
    )


def test_deleting_a_term_removes_it_from_documents():
    satellite = make_term(Technology, "Satellite")
    tactic = make_tactic("Tracking", technologies=[satellite])
    satellite.delete()
    assert "Satellite" not in document_of(tactic).keywords


# --- one document per language -----------------------------------------------------------------


def test_each_language_has_a_document_created_updated_and_removed_with_the_entry():
    tactic = make_tactic("Lantern", summary="A lantern.", summary_es="Un farol.")
    assert languages_of(tactic) == sorted(LANGUAGES)
    assert document_of(tactic, "es").summary == "Un farol."
    tactic.summary_fr = "Une lanterne."
    tactic.save()
    assert document_of(tactic, "fr").summary == "Une lanterne."
    assert document_of(tactic, "en").summary == "A lantern."
    tactic.apply("retire")
    tactic.save()
    assert languages_of(tactic) == []
    assert "farol" not in vocabulary("es") and "lanterne" not in vocabulary("fr")


def test_a_languages_document_holds_its_translation_and_english_where_there_is_none():
    tactic = make_tactic("Fake jobs", name_es="Empleos falsos", summary="Jobs that do not exist.")
    document = document_of(tactic, "es")
    assert document.title == "Empleos falsos"
    assert document.summary == "Jobs that do not exist."  # not translated yet: English
    assert document_of(tactic, "ar").title == "Fake jobs"


def test_vocabulary_names_and_quotes_are_in_each_languages_document():
    gps = make_term(Technology, "GPS tracking")
    gps.name_es = "Rastreo GPS"
    gps.save()
    tactic = make_tactic("Tracking", technologies=[gps])
    citation = cite(tactic, make_source(), "They track phones")
    citation.translation_es = "Rastrean teléfonos"
    citation.save()
    spanish, french = document_of(tactic, "es"), document_of(tactic, "fr")
    assert "Rastreo GPS" in spanish.keywords and "GPS tracking" in french.keywords
    # A quote stays verbatim in every language, beside its translation where there is one.
    assert "They track phones" in spanish.body and "Rastrean teléfonos" in spanish.body
    assert "They track phones" in french.body and "Rastrean" not in french.body


def test_each_language_has_its_own_vocabulary():
    make_tactic("Lantern", name_es="Farol", name_fr="Lanterne")
    assert vocabulary("es")["farol"] == 1 and "farol" not in vocabulary("en")
    assert vocabulary("fr")["lanterne"] == 1
    # Untranslated text is read in English in every language's documents.
    assert "summary" in vocabulary("ar")


def test_a_document_records_the_text_search_configuration_of_its_language():
    from kb.search.backends import get_backend

    tactic = make_tactic("Lantern")
    for language in LANGUAGES:
        assert document_of(tactic, language).search_configuration == (
            get_backend(language).configuration
        )


def test_a_translation_published_through_a_revision_reaches_its_document():
    from kb.curation.workflow import propose_revision, publish_revision, submit_revision

    from ..factories import complete

    tactic = complete(make_tactic("Lantern", summary="A lantern."))

    def spanish(entry) -> None:
        entry.name_es, entry.summary_es = "Farol", "Un farol."
        entry.record_translation("es")
        entry.save()

    revision = propose_revision(tactic, author=None, note="Spanish", edit=spanish)
    # Pending, then in review: the live entry, and so its documents, are unchanged.
    assert document_of(tactic, "es").title == "Lantern"
    assert "farol" not in vocabulary("es")
    submit_revision(revision, None)
    assert document_of(tactic, "es").title == "Lantern"
    publish_revision(revision, None)
    assert (document_of(tactic, "es").title, document_of(tactic, "es").summary) == (
        "Farol",
        "Un farol.",
    )
    assert document_of(tactic, "en").title == "Lantern"
