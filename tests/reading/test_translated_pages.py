"""An entry page in another language: translated where a translation is published, English
(said to be English, and marked so for screen readers) where not, and a note when the
English has changed since the translation was made."""

from __future__ import annotations

import re

import pytest

from ..factories import cite, make_source, make_tactic, publish_change

pytestmark = pytest.mark.django_db

MISSING = "This entry is not yet translated into your language"
OUTDATED = "The English text of this entry has changed since this translation was made"


def translated_tactic(**fields):
    tactic = make_tactic(
        "Lantern signals",
        summary="Lights used to signal.",
        name_es="Señales de linterna",
        summary_es="Luces usadas para hacer señales.",
        **fields,
    )
    tactic.record_translation("es")
    tactic.save()
    return tactic


def element_with(page: str, text: str) -> str:
    """The opening tag of the element of the page's main part whose content starts with
    ``text``."""
    main = re.search(r"<main.*</main>", page, re.S)[0]
    return re.search(r"<[a-z0-9]+[^<>]*>\s*" + re.escape(text), main)[0]


def test_a_translated_entry_reads_in_spanish_without_a_note(reader):
    tactic = translated_tactic()
    page = reader.get("/es" + tactic.get_absolute_url()).text
    assert 'lang="es"' in element_with(page, "Señales de linterna")
    assert 'lang="es"' in element_with(page, "Luces usadas para hacer señales.")
    assert MISSING not in page and OUTDATED not in page


def test_an_untranslated_entry_shows_english_marked_as_english_with_a_note(reader):
    english = make_tactic("Lantern signals", summary="Lights used to signal.").get_absolute_url()
    page = reader.get("/fr" + english).text
    assert 'lang="en"' in element_with(page, "Lantern signals")
    assert 'lang="en"' in element_with(page, "Lights used to signal.")
    assert 'class="translation-note"' in page
    note = re.search(r'<p class="translation-note".*?</p>', page, re.S)[0]
    assert f'href="{english}"' in note  # to the English page


def test_the_english_page_never_carries_a_translation_note(reader):
    tactic = make_tactic("Lantern signals")
    page = reader.get(tactic.get_absolute_url()).text
    assert "translation-note" not in page


def test_a_translation_goes_outdated_when_the_english_changes_and_its_page_says_so(reader):
    tactic = translated_tactic()
    assert not tactic.is_outdated("es")
    publish_change(tactic, "Rewritten summary", summary="Lights used to signal at night.")
    tactic.refresh_from_db()
    assert tactic.is_outdated("es")
    english = tactic.get_absolute_url()
    page = reader.get("/es" + english).text
    assert "translation-note--outdated" in page
    assert "Luces usadas para hacer señales." in page  # still the published translation
    note = re.search(r'<p class="translation-note.*?</p>', page, re.S)[0]
    assert f'href="{english}"' in note


def test_a_red_flag_not_yet_translated_is_marked_english(reader):
    tactic = translated_tactic()
    tactic.indicators.create(text="A second phone appears.", text_es="Aparece un segundo teléfono.")
    tactic.indicators.create(text="Someone else answers.", position=2)
    page = reader.get("/es" + tactic.get_absolute_url()).text
    assert 'lang="es"' in element_with(page, "Aparece un segundo teléfono.")
    assert 'lang="en"' in element_with(page, "Someone else answers.")


def test_a_quote_stays_verbatim_with_its_translation_labelled_beside_it(reader):
    tactic = translated_tactic()
    cite(
        tactic,
        make_source(),
        "Traffickers use lanterns.",
        translation_es="Los tratantes usan linternas.",
    )
    english = tactic.get_absolute_url()
    page = reader.get("/es" + english).text
    assert 'lang="en"' in element_with(page, "<p>Traffickers use lanterns.")
    translation = re.search(r'<p class="quote-translation">.*?</p>', page, re.S)[0]
    assert "Los tratantes usan linternas." in translation
    assert 'class="quote-translation__label"' in translation
    english_page = reader.get(english).text
    assert "Los tratantes" not in english_page and "quote-translation" not in english_page
