"""Translating entries: each translation's state (missing, draft, in review, published,
outdated), the side-by-side page, translations of public entries reviewed and published as
pending revisions, the overview per language, the publication checks, and history,
restores, version pages and backups carrying every language (kb.curation.translations,
kb/curation/admin/translating.py)."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kb.curation.checks import failures, publication_problems
from kb.curation.states import capture, state_fingerprint
from kb.curation.translations import (
    TranslationState,
    translation_state,
    translation_status,
    translation_statuses,
)
from kb.curation.workflow import Refused, propose_revision, submit_revision, take_step
from kb.models import (
    Category,
    Countermeasure,
    Indicator,
    Mitigation,
    Revision,
    RevisionStatus,
    Status,
    Tactic,
)

from ..factories import cite, complete, make_countermeasure, make_source, make_tactic, make_term
from .forms import inline_management, publish_pending_revision

pytestmark = pytest.mark.django_db

SPANISH = {"name_es": "Linterna", "summary_es": "Resumen en español."}


def translate(entry, language: str = "es", **columns) -> None:
    """Give ``entry`` a translation made from its current English, saved directly (as a
    draft's translation is, or as the seed's was)."""
    for name, value in (columns or SPANISH).items():
        setattr(entry, name, value)
    entry.record_translation(language)
    entry.save()


@pytest.fixture
def published() -> Tactic:
    """A published tactic with a red flag and a version, translated into Spanish."""
    tactic = complete(make_tactic("Lantern", status=Status.IN_REVIEW))
    Indicator.objects.create(tactic=tactic, text="Phone checked by someone else")
    translate(tactic)
    take_step(tactic, "publish", None)
    tactic.refresh_from_db()
    return tactic


def page_url(entry, language: str) -> str:
    return f"/admin/kb/{entry._meta.model_name}/{entry.pk}/translate/{language}/"


def translation_form(client, entry, language: str = "es", **changes) -> dict:
    """The side-by-side form of ``entry`` in ``language`` as it stands, with ``changes``
    (keys as the form names its inputs, or short names: ``name`` for ``name_es``)."""
    page = client.get(page_url(entry, language))
    assert page.status_code == 200
    form = page.context["form"]
    data = {key: form[key].value() or "" for key in form.fields if key != "confirmed"}
    for key, value in changes.items():
        full = key if key in data or key.startswith("_") or key == "confirmed" else None
        if full is None:
            full = next(k for k in data if k.endswith(f"-{key}_{language}"))
        data[full] = value
    return data


def save_translation(client, entry, language: str = "es", **changes):
    response = client.post(
        page_url(entry, language), translation_form(client, entry, language, **changes)
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    return response


def rename_in_english(entry, summary: str) -> Revision:
    """A pending revision changing the English summary of ``entry``."""

    def edit(tactic) -> None:
        tactic.summary_en = summary
        tactic.save()

    revision = propose_revision(entry, author=None, note="Clearer summary", edit=edit)
    assert revision is not None
    return revision


# --- states ------------------------------------------------------------------------------


def test_a_translation_is_missing_published_or_outdated_on_a_public_entry(published):
    assert translation_state(published, "es") == TranslationState.PUBLISHED
    assert translation_state(published, "fr") == TranslationState.MISSING
    published.summary_en = "The English changed."
    published.save()
    assert translation_state(published, "es") == TranslationState.OUTDATED
    assert published.is_outdated("es")  # what readers are told agrees


def test_a_drafts_translation_goes_along_with_the_entry():
    draft = complete(make_tactic("Beacon", status=Status.DRAFT))
    assert translation_state(draft, "es") == TranslationState.MISSING
    translate(draft)
    assert translation_state(draft, "es") == TranslationState.DRAFT
    take_step(draft, "send_to_review", None)
    assert translation_state(draft, "es") == TranslationState.IN_REVIEW
    take_step(draft, "publish", None)
    assert translation_state(draft, "es") == TranslationState.PUBLISHED


def test_a_pending_translation_is_a_draft_then_in_review_and_the_live_one_stays(published):
    def french(tactic) -> None:
        tactic.name_fr, tactic.summary_fr = "Lanterne", "Résumé en français."
        tactic.record_translation("fr")
        tactic.save()

    revision = propose_revision(published, author=None, note="French", edit=french)
    status = translation_status(published, "fr")
    assert (status.live, status.pending) == (TranslationState.MISSING, TranslationState.DRAFT)
    assert status.label == "Not published; a translation is being written"
    # Spanish is left alone by this revision: still simply published.
    assert translation_status(published, "es").pending is None

    submit_revision(revision, None)
    assert translation_state(published, "fr") == TranslationState.IN_REVIEW

    def spanish(tactic) -> None:
        tactic.summary_es = "Un resumen mejor."
        tactic.save()

    propose_revision(published, author=None, note="Spanish too", edit=spanish)
    status = translation_status(published, "es")
    assert status.state == TranslationState.IN_REVIEW
    assert status.label == "Published; a new version is in review"


def test_a_translation_becomes_outdated_when_a_revision_of_the_english_is_published(
    published, reviewer, reader
):
    reader_page = reader.get(f"/es/tactics/{published.public_id}/", follow=True).text
    assert "Linterna" in reader_page and "may be out of date" not in reader_page
    rename_in_english(published, "A clearer English summary.")
    assert translation_state(published, "es") == TranslationState.PUBLISHED  # not yet live
    publish_pending_revision(reviewer, published)
    published.refresh_from_db()
    assert translation_state(published, "es") == TranslationState.OUTDATED
    reader_page = reader.get(f"/es/tactics/{published.public_id}/", follow=True).text
    assert "Linterna" in reader_page
    assert 'hreflang="en"' in reader_page  # the note links to the current English


def test_the_fingerprint_of_a_state_is_the_fingerprint_of_its_rows(published):
    cite(published, make_source(), "A second quote.", position=1)
    countermeasure = make_countermeasure("Checks", counters=[published, make_tactic()])
    cite(countermeasure, make_source(), "Quoted.")
    for entry in (published, countermeasure, make_source(summary="About it.")):
        assert state_fingerprint(type(entry), capture(entry)) == entry.source_fingerprint()


# --- the side-by-side page ---------------------------------------------------------------


def test_the_side_by_side_page_shows_the_english_beside_the_translations_inputs(
    contributor, published
):
    page = contributor.get(page_url(published, "es"))
    assert page.status_code == 200
    text = page.text
    english = text.index("Summary of Lantern.")
    assert english < text.index(f'name="tactic-{published.pk}-summary_es"')
    assert "Phone checked by someone else" in text
    indicator = published.indicators.get()
    assert f'name="indicator-{indicator.pk}-text_es"' in text
    citation = published.citations.get()
    assert f'name="citation-{citation.pk}-translation_es"' in text
    assert "Translation of the quote (Español)" in text
    assert "Name (Español)" in text and 'lang="es"' in text


def test_arabic_inputs_are_right_to_left(contributor, published):
    text = contributor.get(page_url(published, "ar")).text
    inputs = re.findall(r"<(?:input|textarea)[^>]*name=\"[^\"]*_ar\"[^>]*>", text)
    assert len(inputs) >= 4  # name, summary, description, the indicator, the quote
    assert all('dir="rtl"' in tag and 'lang="ar"' in tag for tag in inputs)
    assert 'dir="ltr"' in text  # the English beside them stays left-to-right


def test_an_unknown_language_or_english_is_not_found(contributor, published):
    assert contributor.get(page_url(published, "de")).status_code == 404
    assert contributor.get(page_url(published, "en")).status_code == 404


def test_translating_a_public_entry_is_a_pending_revision_until_a_reviewer_publishes_it(
    contributor, reviewer, reader, published
):
    indicator = published.indicators.get()
    save_translation(
        contributor,
        published,
        "fr",
        name="Lanterne",
        summary="Résumé en français.",
        text="Téléphone contrôlé par quelqu'un d'autre",
    )
    published.refresh_from_db()
    assert published.name_fr == "" and "fr" not in published.translated_from
    revision = Revision.objects.get(tactic=published)
    assert revision.proposed["fields"]["name_fr"] == "Lanterne"
    assert translation_status(published, "fr").pending == TranslationState.DRAFT
    live_french = reader.get(f"/fr/tactics/{published.public_id}/", follow=True).text
    assert "Lanterne" not in live_french and "Lantern" in live_french  # English meanwhile

    # A contributor proposes; only a reviewer publishes.
    refused = publish_pending_revision(contributor, published)
    assert refused.status_code == 403
    review = reviewer.get(f"/admin/kb/tactic/{published.pk}/revision/").text
    assert "Name (Français)" in review and "<ins>Lanterne</ins>" in review
    publish_pending_revision(reviewer, published)

    published.refresh_from_db()
    indicator.refresh_from_db()
    assert published.name_fr == "Lanterne"
    assert indicator.text_fr == "Téléphone contrôlé par quelqu'un d'autre"
    assert translation_state(published, "fr") == TranslationState.PUBLISHED  # not outdated
    assert "Lanterne" in reader.get(f"/fr/tactics/{published.public_id}/", follow=True).text


def test_a_revision_of_the_english_says_which_translations_it_leaves_outdated(reviewer, published):
    rename_in_english(published, "A clearer English summary.")
    page = reviewer.get(f"/admin/kb/tactic/{published.pk}/revision/").text
    text = re.sub(r"<[^>]+>", "", page)
    assert "Translation (Español)" in text
    assert "made from an earlier English text" in text
    assert "Translation (Français)" not in text  # nothing translated: nothing to say


def test_a_translation_made_with_new_parts_is_up_to_date_once_published(
    admin_client, reviewer, published
):
    # A red flag added in the revision takes its real id only when published, with the
    # same position as the one the live entry has.
    def add_flag(tactic) -> None:
        tactic.indicators.create(text="A second phone appears", position=0)

    propose_revision(published, author=None, note="Another flag", edit=add_flag)
    save_translation(admin_client, published, "es", confirmed="on")
    publish_pending_revision(reviewer, published)
    published.refresh_from_db()
    assert published.indicators.count() == 2
    assert translation_state(published, "es") == TranslationState.PUBLISHED


def test_the_translation_edits_the_revision_the_entry_already_has(contributor, published):
    rename_in_english(published, "A clearer English summary.")
    page = contributor.get(page_url(published, "es")).text
    assert "A clearer English summary." in page  # the English as the revision has it
    save_translation(contributor, published, "es", summary="Un resumen más claro.")
    revision = Revision.objects.get(tactic=published)  # still one
    assert revision.proposed["fields"]["summary_en"] == "A clearer English summary."
    assert revision.proposed["fields"]["summary_es"] == "Un resumen más claro."


def test_a_translation_can_be_sent_to_review_from_its_page(contributor, published):
    form = translation_form(contributor, published, "es", summary="Otro resumen.")
    contributor.post(page_url(published, "es"), {**form, "_transition": "submit_revision"})
    assert Revision.objects.get(tactic=published).status == RevisionStatus.IN_REVIEW
    # In review, the revision is the reviewers': a contributor reads the page only.
    page = contributor.get(page_url(published, "es"))
    assert page.status_code == 200 and "You may read this translation" in page.text
    blocked = contributor.post(page_url(published, "es"), form)
    assert blocked.status_code == 403


def test_a_drafts_translation_is_saved_directly_with_what_it_was_made_from(contributor):
    draft = complete(make_tactic("Beacon", status=Status.DRAFT))
    save_translation(contributor, draft, "es", name="Baliza", summary="Resumen.")
    draft.refresh_from_db()
    assert (draft.name_es, draft.summary_es) == ("Baliza", "Resumen.")
    assert draft.translated_from["es"] == draft.source_fingerprint()
    assert not Revision.objects.exists()
    assert draft.history.latest().history_change_reason == "Translated into Español"


def test_confirming_an_outdated_translation_records_it_as_up_to_date(
    contributor, reviewer, published
):
    published.summary_en = "The English changed."
    published.save()
    page = contributor.get(page_url(published, "es")).text
    assert "The English changed since this translation was made" in page
    assert "<del>Summary of Lantern.</del>" in page  # what changed since, from the history
    assert "<ins>The English changed.</ins>" in page
    unchanged = contributor.post(
        page_url(published, "es"), translation_form(contributor, published), follow=True
    )
    assert "Nothing was changed" in unchanged.text and not Revision.objects.exists()

    save_translation(contributor, published, "es", confirmed="on")
    publish_pending_revision(reviewer, published)
    published.refresh_from_db()
    assert published.summary_es == SPANISH["summary_es"]
    assert translation_state(published, "es") == TranslationState.PUBLISHED


def test_two_people_translating_one_revision_do_not_overwrite_each_other_unknowingly(
    admin_client, contributor, published
):
    stale = translation_form(admin_client, published, "es", summary="La versión del admin.")
    save_translation(contributor, published, "es", summary="La versión del colaborador.")
    response = admin_client.post(page_url(published, "es"), stale)
    assert response.status_code == 200 and "Someone saved this entry" in response.text
    assert "La versión del admin." in response.text  # nothing typed is lost
    revision = Revision.objects.get(tactic=published)
    assert revision.proposed["fields"]["summary_es"] == "La versión del colaborador."
    again = response.context["form"]["revision_seen"].value()
    admin_client.post(page_url(published, "es"), {**stale, "revision_seen": again})
    revision.refresh_from_db()
    assert revision.proposed["fields"]["summary_es"] == "La versión del admin."


def test_the_change_form_lists_each_language_with_its_state_and_a_link(contributor, published):
    page = contributor.get(f"/admin/kb/tactic/{published.pk}/change/").text
    box = page[page.index("kb-translations-box") :]
    assert 'data-language="es" data-state="published"' in box
    assert 'data-language="fr" data-state="missing"' in box
    assert page_url(published, "ar") in box


def test_sources_and_countermeasures_are_translated_on_the_same_page(contributor):
    source = make_source(summary="A report on phones.", status=Status.DRAFT)
    save_translation(contributor, source, "es", summary="Un informe sobre teléfonos.")
    source.refresh_from_db()
    assert source.summary_es == "Un informe sobre teléfonos."
    countermeasure = make_countermeasure("Checks", status=Status.DRAFT, counters=[make_tactic()])
    link = Mitigation.objects.get(countermeasure=countermeasure)
    page = contributor.get(page_url(countermeasure, "es")).text
    assert f'name="mitigation-{link.pk}-note_es"' in page and "How." in page


# --- the overview ------------------------------------------------------------------------


def overview(client, query: str = "") -> str:
    response = client.get(f"/admin/kb/translations/{query}")
    assert response.status_code == 200
    return response.text


def count_of(page: str, language: str, state: str) -> int:
    found = re.search(rf'data-language="{language}" data-state="{state}">(\d+)<', page)
    assert found, (language, state)
    return int(found[1])


def test_the_overview_counts_and_lists_what_is_missing_or_outdated(contributor, published):
    outdated = complete(make_tactic("Beacon", status=Status.IN_REVIEW))
    translate(outdated)
    take_step(outdated, "publish", None)
    outdated.summary_en = "Changed since."
    outdated.save()
    draft = make_tactic("Candle", status=Status.DRAFT)
    translate(draft, "fr", name_fr="Bougie", summary_fr="Résumé.")
    make_tactic("Retired one", status=Status.RETIRED)  # left out
    make_source(title="A summarised report", summary="What it reports.")
    make_source(title="A report without summary")  # nothing to translate

    page = overview(contributor)
    assert count_of(page, "es", "outdated") == 1
    assert count_of(page, "es", "missing") == 2  # Candle and the summarised report
    assert count_of(page, "fr", "missing") == 3  # Lantern and Beacon too
    assert count_of(page, "fr", "draft") == 1
    assert "Retired one" not in page

    outdated_only = overview(contributor, "?language=es&state=outdated")
    assert "Beacon" in outdated_only and "Lantern" not in outdated_only
    assert f"/admin/kb/tactic/{outdated.pk}/translate/es/" in outdated_only
    tactics = overview(contributor, "?kind=tactic&language=fr&state=draft")
    assert "Candle" in tactics


def test_the_overview_takes_as_many_queries_for_many_entries_as_for_few(contributor):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            overview(contributor)
        return len(captured)

    def entries(count: int) -> None:
        for _ in range(count):
            tactic = complete(make_tactic(status=Status.IN_REVIEW))
            Indicator.objects.create(tactic=tactic, text="A flag")
            translate(tactic)
            take_step(tactic, "publish", None)
            rename_in_english(tactic, "A new summary.")
            countermeasure = make_countermeasure(counters=[tactic])
            cite(countermeasure, make_source(), "Quoted.")

    entries(2)
    few = queries()
    entries(8)
    assert queries() == few


def test_the_overview_is_paginated(contributor, settings, monkeypatch):
    from kb.curation.admin import translating

    monkeypatch.setattr(translating, "OVERVIEW_PER_PAGE", 2)
    for number in range(3):
        make_tactic(f"Untranslated {number}", status=Status.DRAFT)
    page = overview(contributor, "?language=es&kind=tactic")
    assert "Page 1 of 2" in page and "p=2" in page
    assert "Untranslated 2" in overview(contributor, "?language=es&kind=tactic&p=2")


def test_the_admins_front_page_links_the_overview(contributor):
    assert "/admin/kb/translations/" in contributor.get("/admin/").text


# --- checks ------------------------------------------------------------------------------


def test_a_translation_with_a_name_but_no_summary_blocks_publishing():
    tactic = complete(make_tactic("Lantern", status=Status.IN_REVIEW))
    tactic.name_es = "Linterna"
    tactic.save()
    problems = [str(p) for p in failures(publication_problems(tactic))]
    assert problems == [
        "Its Español translation has a name but no summary: translate the summary too, "
        "or remove the name."
    ]
    with pytest.raises(Refused):
        take_step(tactic, "publish", None)
    tactic.name_es, tactic.summary_fr = "", "Résumé."
    tactic.save()
    assert "has a summary but no name" in str(failures(publication_problems(tactic))[0])


# --- history, restore, versions, backups -------------------------------------------------


def test_a_translation_published_through_a_revision_is_on_the_history_page(
    contributor, reviewer, published
):
    save_translation(contributor, published, "es", summary="Un resumen mejor.")
    publish_pending_revision(reviewer, published)
    page = reviewer.get(f"/admin/kb/tactic/{published.pk}/history/").text
    assert '<th scope="row">Summary (Español)</th>' in page
    assert "<ins>mejor.</ins>" in page or "mejor" in page


def test_history_records_carry_every_language_and_what_it_was_made_from(published):
    record = published.history.latest()
    assert record.name_es == "Linterna" and record.translated_from == published.translated_from
    indicator_record = Indicator.history.filter(tactic_id=published.pk).latest()
    assert hasattr(indicator_record, "text_ar")


def test_a_version_page_reads_in_the_readers_language_with_the_english_beside_it(
    published, reviewer, reader
):
    def english(tactic) -> None:
        tactic.name_en = "Lantern, renamed"
        tactic.save()

    propose_revision(published, author=None, note="Renamed", edit=english)
    publish_pending_revision(reviewer, published)
    version_one = reader.get(f"/es/tactics/{published.public_id}/v1/").text
    assert "Linterna" in version_one
    french = reader.get(f"/fr/tactics/{published.public_id}/v1/").text
    assert "Lantern" in french and "Lantern, renamed" not in french  # English of then


def test_restoring_a_drafts_version_restores_its_translations(admin_client):
    draft = complete(make_tactic("Beacon", status=Status.DRAFT))
    indicator = Indicator.objects.create(tactic=draft, text="A flag", text_es="Una señal")
    translate(draft)
    earlier = draft.history.latest()
    draft.name_es, draft.summary_es = "Baliza cambiada", "Otro resumen."
    draft.save()
    indicator.text_es = "Otra señal"
    indicator.save()

    restore(admin_client, draft, earlier)

    draft.refresh_from_db()
    indicator.refresh_from_db()
    assert (draft.name_es, draft.summary_es) == ("Linterna", SPANISH["summary_es"])
    assert indicator.text_es == "Una señal"
    assert translation_state(draft, "es") == TranslationState.DRAFT  # not outdated


def test_restoring_a_public_entrys_version_proposes_its_translations(
    admin_client, reviewer, published
):
    earlier = published.history.latest()
    save_translation(admin_client, published, "es", summary="Un resumen peor.")
    publish_pending_revision(reviewer, published)
    published.refresh_from_db()
    assert published.summary_es == "Un resumen peor."

    restore(admin_client, published, earlier)
    revision = Revision.objects.get(tactic=published, status=RevisionStatus.DRAFT)
    assert revision.proposed["fields"]["summary_es"] == SPANISH["summary_es"]
    publish_pending_revision(reviewer, published)
    published.refresh_from_db()
    assert published.summary_es == SPANISH["summary_es"]
    assert translation_state(published, "es") == TranslationState.PUBLISHED


def restore(client, entry, record):
    url = f"/admin/kb/{entry._meta.model_name}/{entry.pk}/history/{record.history_id}/"
    form = {
        "name_en": record.name_en,
        "slug": record.slug,
        "summary_en": record.summary_en,
        "description_en": record.description_en,
        "category": record.category_id,
        **{
            terms: list(getattr(entry, terms).values_list("pk", flat=True))
            for terms in ("technologies", "platforms", "stages", "target_groups")
        },
        **inline_management("indicators", 0),
        **inline_management("citations", 0),
        **inline_management("mitigations", 0),
    }
    response = client.post(url, form, follow=True)
    assert response.status_code == 200
    return response


def test_a_backup_keeps_every_language_and_what_each_was_made_from(published, tmp_path):
    path = tmp_path / "kb.json"
    call_command("backup", str(path), stdout=io.StringIO())
    objects = json.loads(path.read_text())["objects"]
    tactic = next(o for o in objects if o["model"] == "kb.tactic" and o["pk"] == published.pk)
    assert tactic["fields"]["name_es"] == "Linterna"
    assert tactic["fields"]["translated_from"] == published.translated_from
    records = [o for o in objects if o["model"] == "kb.historicaltactic"]
    assert any(o["fields"]["name_es"] == "Linterna" for o in records)


# --- vocabularies ------------------------------------------------------------------------


def test_a_terms_translations_are_grouped_by_language_with_arabic_right_to_left(reviewer):
    category = make_term(Category, "Recruitment")
    page = reviewer.get(f"/admin/kb/category/{category.pk}/change/").text
    for language in ("Español", "Français", "العربية"):
        assert f"<h2>{language}</h2>" in page or f">{language}<" in page
    arabic = re.findall(r"<(?:input|textarea)[^>]*name=\"(?:name|description)_ar\"[^>]*>", page)
    assert len(arabic) == 2 and all('dir="rtl"' in tag for tag in arabic)
    assert "Name (Español)" in page
    response = reviewer.post(
        f"/admin/kb/category/{category.pk}/change/",
        {"name_en": "Recruitment", "slug": "recruitment", "description_en": "", "position": 0,
         "name_es": "Captación", "description_es": "", "name_fr": "", "description_fr": "",
         "name_ar": "التجنيد", "description_ar": ""},
    )  # fmt: skip
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.name_es, category.name_ar) == ("Captación", "التجنيد")


def test_a_countermeasures_link_notes_are_part_of_its_translation(contributor, reviewer):
    tactic = make_tactic()
    countermeasure = make_countermeasure("Checks", status=Status.IN_REVIEW, counters=[tactic])
    cite(countermeasure, make_source())
    translate(countermeasure, name_es="Controles", summary_es="Resumen.")
    take_step(countermeasure, "publish", None)
    link = Mitigation.objects.get(countermeasure=countermeasure)
    save_translation(contributor, countermeasure, "es", note="Cómo.")
    publish_pending_revision(reviewer, countermeasure)
    link.refresh_from_db()
    countermeasure = Countermeasure.objects.get(pk=countermeasure.pk)
    assert link.note_es == "Cómo."
    assert translation_state(countermeasure, "es") == TranslationState.PUBLISHED
    assert [s.state for s in translation_statuses(countermeasure)] == [
        TranslationState.PUBLISHED, TranslationState.MISSING, TranslationState.MISSING,
    ]  # fmt: skip
