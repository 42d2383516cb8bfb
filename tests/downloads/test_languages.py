"""The downloads in every language: /es/downloads/ offers, and /es/downloads/kb.json serves,
the Spanish JSON and CSV files, each saying its language; the English addresses answer as
they did; the one STIX bundle carries every published translation as language-content
objects; and no unpublished translation is in any file."""

import csv
import io
import json
import re
import shutil

import pytest
from django.utils.translation import gettext, override
from stix2validator import validate_string

from kb.curation.workflow import propose_revision
from kb.downloads.build import build_downloads
from kb.downloads.editions import MANIFEST, edition_files
from kb.downloads.tabular import TABLES, read_cell
from kb.models import Category, Mitigation, Status

from ..factories import cite, make_countermeasure, make_source, make_tactic, make_term
from .files import edition_texts

pytestmark = pytest.mark.django_db

VERSIONED = r"kb-\d{8}T\d{6}Z"


@pytest.fixture
def content() -> dict:
    """A tactic translated into Spanish but for its description, with a red flag and a quote
    translated too; a countermeasure translated in full, with a translated note; nothing in
    French or Arabic."""
    category = make_term(Category, "Control")
    category.name_es = "Control (es)"
    category.save()
    tactic = make_tactic(
        "Lantern signals",
        summary="Signals with a lantern.",
        description="The English description.",
        name_es="Señales con linterna",
        summary_es="Señales hechas con una linterna.",
        category=category,
    )
    tactic.indicators.create(text="A lantern at night", text_es="Una linterna de noche")
    source = make_source(title="The report", publisher="The Times")
    cite(tactic, source, "They waved a lantern.", locator="p. 2", translation_es="Agitaban…")
    countermeasure = make_countermeasure(
        "Patrols",
        summary="Patrols at night.",
        description="How **patrols** work.",
        name_es="Patrullas",
        summary_es="Patrullas de noche.",
        description_es="Cómo funcionan las **patrullas**.",
        counters=[tactic],
    )
    Mitigation.objects.filter(countermeasure=countermeasure).update(note_es="Cómo.")
    cite(countermeasure, source, "Patrols were seen.")
    edition = build_downloads()
    return {"tactic": tactic, "countermeasure": countermeasure, "edition": edition}


def document(response) -> dict:
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return json.loads(response.getvalue())


def table(response) -> tuple[list[str], list[dict]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.getvalue().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    header = rows[0]
    return header, [dict(zip(header, map(read_cell, row), strict=True)) for row in rows[1:]]


def test_the_english_addresses_answer_the_english_files_as_before(reader, content):
    response = reader.get("/downloads/kb.json")
    assert re.fullmatch(
        rf'attachment; filename="{VERSIONED}\.json"', response["Content-Disposition"]
    )
    data = document(response)
    assert data["language"] == "en"
    assert [t["name"] for t in data["tactics"]] == ["Lantern signals"]
    assert data["tactics"][0]["url"].startswith("https://kb.example/tactics/")
    csv_response = reader.get("/downloads/tactics.csv")
    assert re.fullmatch(
        rf'attachment; filename="{VERSIONED}-tactics\.csv"', csv_response["Content-Disposition"]
    )
    header, rows = table(csv_response)
    assert header == TABLES["tactics"].header
    assert rows[0]["name"] == "Lantern signals" and rows[0]["indicators"] == "A lantern at night"
    header, _rows = table(reader.get("/downloads/citations.csv"))
    assert header == ["entry", "source", "quote", "locator"]


def test_the_spanish_json_says_its_language_and_what_fell_back_to_english(reader, content):
    response = reader.get("/es/downloads/kb.json")
    assert re.fullmatch(
        rf'attachment; filename="{VERSIONED}\.es\.json"', response["Content-Disposition"]
    )
    data = document(response)
    assert data["language"] == "es"
    assert "languages" in data["text_formats"] and "translation" in data["text_formats"]
    (tactic,) = data["tactics"]
    assert tactic["name"] == "Señales con linterna"
    assert tactic["summary"] == "Señales hechas con una linterna."
    assert tactic["description"] == "The English description."
    assert tactic["language"] == "es"
    assert tactic["languages"] == {"name": "es", "summary": "es", "description": "en"}
    assert tactic["category"]["name"] == "Control (es)"
    assert tactic["indicators"] == ["Una linterna de noche"]
    quote = tactic["references"][0]["quotes"][0]
    assert quote == {
        "quote": "They waved a lantern.",
        "translation": "Agitaban…",
        "locator": "p. 2",
    }
    # Links lead to the Spanish pages.
    assert tactic["url"] == "https://kb.example/es/tactics/TT-0001/lantern-signals/"
    (countermeasure,) = data["countermeasures"]
    assert countermeasure["languages"] == {"name": "es", "summary": "es", "description": "es"}
    assert (
        countermeasure["description_html"]
        == "<p>Cómo funcionan las <strong>patrullas</strong>.</p>"
    )
    assert countermeasure["tactics"][0]["note"] == "Cómo."


def test_a_language_without_translations_is_english_and_says_so(reader, content):
    data = document(reader.get("/ar/downloads/kb.json"))
    assert data["language"] == "ar"
    (tactic,) = data["tactics"]
    assert tactic["name"] == "Lantern signals" and tactic["language"] == "ar"
    assert tactic["languages"] == {"name": "en", "summary": "en", "description": "en"}
    assert tactic["references"][0]["quotes"][0]["translation"] is None
    assert tactic["url"].startswith("https://kb.example/ar/tactics/")


def test_the_spanish_csv_files_are_named_and_written_in_spanish(reader, content):
    response = reader.get("/es/downloads/tactics.csv")
    assert re.fullmatch(
        rf'attachment; filename="{VERSIONED}-tactics\.es\.csv"', response["Content-Disposition"]
    )
    header, (row,) = table(response)
    assert header == TABLES["tactics"].header  # the same columns in every language
    assert row["name"] == "Señales con linterna"
    assert row["description"] == "The English description."
    assert row["indicators"] == "Una linterna de noche"
    assert row["url"].startswith("https://kb.example/es/tactics/")
    _header, (mitigation,) = table(reader.get("/es/downloads/mitigations.csv"))
    assert mitigation["note"] == "Cómo."
    header, citations = table(reader.get("/es/downloads/citations.csv"))
    assert header == ["entry", "source", "quote", "locator", "translation"]
    assert [(c["quote"], c["translation"]) for c in citations] == [
        ("They waved a lantern.", "Agitaban…"),
        ("Patrols were seen.", ""),
    ]
    _header, (french,) = table(reader.get("/fr/downloads/countermeasures.csv"))
    assert french["name"] == "Patrols"  # no French: English


def test_the_downloads_page_offers_the_files_of_its_language(reader, content):
    spanish = reader.get("/es/downloads/").text
    for url in ("/es/downloads/kb.json", "/es/downloads/tactics.csv", "/es/downloads/kb.stix.json"):
        assert f'href="{url}"' in spanish, url
    assert ">tactics.es.csv</a>" in spanish and "language-content" in spanish
    english = reader.get("/downloads/").text
    assert ">tactics.csv</a>" in english and 'href="/downloads/kb.json"' in english


def test_the_downloads_page_says_when_the_files_were_built_in_its_language(reader, content):
    built = content["edition"].generated_at
    english = reader.get("/downloads/").text
    assert f"built on {built:%-d %B %Y}, {built:%H:%M} UTC." in english
    spanish = reader.get("/es/downloads/").text
    assert f"{built.day} de {SPANISH_MONTHS[built.month - 1]} de {built.year}" in spanish


SPANISH_MONTHS = (
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
).split()


def test_one_stix_bundle_carries_every_published_translation(reader, content):
    english = reader.get("/downloads/kb.stix.json").getvalue()
    assert reader.get("/es/downloads/kb.stix.json").getvalue() == english
    objects = {obj["id"]: obj for obj in json.loads(english)["objects"]}
    translations = [obj for obj in objects.values() if obj["type"] == "language-content"]
    by_type = {objects[t["object_ref"]]["type"]: t for t in translations}
    assert sorted(by_type) == ["attack-pattern", "course-of-action", "relationship"]
    for translation in translations:
        translated = objects[translation["object_ref"]]
        assert translation["object_modified"] == translated["modified"]
        assert set(translation["contents"]) == {"es"}  # nothing in French or Arabic
    pattern = by_type["attack-pattern"]["contents"]["es"]
    assert pattern["name"] == "Señales con linterna"
    # Its description is not translated: no half-Spanish description.
    assert "description" not in pattern and "x_kb_description_html" not in pattern
    references = pattern["external_references"]
    assert references[0] == "" and "[es: “Agitaban…”]" in references[1]["description"]
    assert "“They waved a lantern.” (p. 2)" in references[1]["description"]
    course = by_type["course-of-action"]["contents"]["es"]
    assert course["description"] == "Patrullas de noche.\n\nCómo funcionan las **patrullas**."
    assert "<strong>patrullas</strong>" in course["x_kb_description_html"]
    assert "external_references" not in course  # its quote has no translation
    assert by_type["relationship"]["contents"] == {"es": {"description": "Cómo."}}
    # The objects themselves stay in English.
    assert objects[by_type["attack-pattern"]["object_ref"]]["name"] == "Lantern signals"


def test_the_bundle_with_its_translations_validates_against_stix_2_1(reader, content):
    results = validate_string(reader.get("/downloads/kb.stix.json").getvalue().decode())
    assert results.is_valid and not results.errors
    warnings = {re.search(r"\{(\d+)\}", str(w)).group(1) for w in results.warnings}
    assert warnings <= {"103", "302"}  # as without translations (test_downloads.py)


def test_no_pending_translation_and_no_unpublished_entry_is_in_any_file(reader):
    tactic = make_tactic("Lantern signals", summary="Signals with a lantern.")
    citation = cite(tactic, make_source(title="The report"), "They waved a lantern.")

    def translate(entry) -> None:
        entry.name_es, entry.summary_es = "Pendiente", "Traducción pendiente."
        entry.save()
        entry.citations.filter(pk=citation.pk).update(translation_es="Cita pendiente")

    assert propose_revision(tactic, author=None, note="Spanish", edit=translate) is not None
    for status in (Status.DRAFT, Status.IN_REVIEW, Status.RETIRED):
        make_tactic(f"Hidden {status}", status=status, name_es="Oculta", summary_es="Oculta.")
    edition = build_downloads()
    for name, text in edition_texts(edition).items():
        assert "endiente" not in text and "Oculta" not in text and "Hidden" not in text, name
    (spanish,) = document(reader.get("/es/downloads/kb.json"))["tactics"]
    assert spanish["name"] == "Lantern signals"
    assert spanish["languages"] == {"name": "en", "summary": "en", "description": "en"}
    bundle = json.loads(reader.get("/downloads/kb.stix.json").getvalue())
    assert not [obj for obj in bundle["objects"] if obj["type"] == "language-content"]


def test_an_edition_built_before_the_translations_is_replaced(reader, content):
    """After the deploy that adds the translated files, the edition of the current version
    has none of them: it is served (in English) as the previous edition until one with them
    is built, and Spanish readers are told the files are being prepared."""
    edition = content["edition"]
    older = edition.folder.with_name(edition.folder.name.rsplit("-", 1)[0])
    shutil.copytree(edition.folder, older)
    shutil.rmtree(edition.folder)
    manifest = json.loads((older / MANIFEST).read_text())
    for stored, _name, language in edition_files():
        if language != "en":
            (older / stored).unlink()
            del manifest["files"][stored]
    (older / MANIFEST).write_text(json.dumps(manifest))

    assert document(reader.get("/downloads/kb.json"))["tactics"][0]["name"] == "Lantern signals"
    waiting = reader.get("/es/downloads/kb.json")
    with override("es"):
        being_prepared = gettext("The downloads are being prepared")
    assert waiting.status_code == 503 and being_prepared in waiting.text
    assert reader.get("/es/downloads/").status_code == 200

    rebuilt = build_downloads()
    assert rebuilt.folder.name == edition.folder.name and not older.exists()
    spanish = document(reader.get("/es/downloads/kb.json"))
    assert spanish["tactics"][0]["name"] == "Señales con linterna"
