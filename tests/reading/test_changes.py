"""What each published version changed, told to readers in their words and language: on
the change log, What's new, an entry's version line and a version's page."""

import re

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime

from kb.models import Category, Source, Stage, Status, Tactic, record_version
from kb.reading.changes import Change, describe

from ..curation.forms import admin_form
from ..factories import (
    cite,
    complete,
    make_countermeasure,
    make_source,
    make_tactic,
    make_term,
    publish_change,
)
from ..queries import count_queries

pytestmark = pytest.mark.django_db


def changes_of(version) -> list[str]:
    """What ``version`` changed, in English words."""
    with translation.override("en"):
        return [str(change) for change in describe([version])[version.pk]]


def test_a_first_version_says_first_published_not_the_admins_step(admin_client, reader):
    tactic = complete(make_tactic("Lantern", status=Status.IN_REVIEW))
    admin_client.post(
        f"/admin/kb/tactic/{tactic.pk}/change/", admin_form(tactic, _transition="publish")
    )
    text = reader.get("/tactics/TT-0001/changes/").text
    assert "First published" in text
    assert "Publish<" not in text and ": Publish" not in text


def test_a_rewritten_summary_and_new_red_flags_are_said_so():
    tactic = make_tactic("Lantern")
    tactic.indicators.create(text="Asks to move to an encrypted app")
    record_version(tactic, "First")
    tactic.indicators.create(text="Offers a job abroad")
    tactic.indicators.create(text="Pays for the ticket")
    version = publish_change(tactic, "Clearer", summary="A clearer summary.")
    assert changes_of(version) == ["Summary rewritten", "2 new red flags"]


def test_renames_reworded_and_removed_red_flags_and_a_new_description():
    tactic = make_tactic("Lantern")
    kept = tactic.indicators.create(text="Asks to move to an encrypted app")
    gone = tactic.indicators.create(text="Sends gifts")
    record_version(tactic, "First")
    kept.text = "Asks to move the conversation to an encrypted app"
    kept.save()
    gone.delete()
    version = publish_change(tactic, "x", name="Lanterns", description="How it works.")
    assert changes_of(version) == [
        "Renamed (it was “Lantern”)",
        "Description added",
        "Red flag removed",
        "Red flag reworded",
    ]


def test_a_new_category_and_new_stages_are_told():
    tactic = make_tactic("Lantern", stages=[make_term(Stage, "Recruitment")])
    record_version(tactic, "First")
    tactic.stages.add(make_term(Stage, "Control"))
    version = publish_change(tactic, "Regrouped", category=make_term(Category, "Deception"))
    assert changes_of(version) == [
        "Moved to another category",
        "Classification changed: stages",
    ]


def test_sources_added_and_removed_are_named_and_corrected_quotes_counted():
    tactic = make_tactic("Lantern")
    kept = cite(tactic, make_source(title="FBI specialist interview"), "They cast a wide net.")
    dropped = cite(tactic, make_source(title="An old blog post"), "Something.")
    record_version(tactic, "First")
    kept.quote = "They cast a much wider net."
    kept.save()
    dropped.delete()
    cite(tactic, make_source(title="State Department report"), "Encrypted messaging.")
    version = publish_change(tactic, "Sources")
    assert changes_of(version) == [
        "Source added: “State Department report”",
        "Source removed: “An old blog post”",
        "Quote corrected",
    ]


def test_countermeasures_linked_and_unlinked_are_named_on_both_sides():
    tactic = make_tactic("Lantern")
    patrols = make_countermeasure("Patrols", counters=[tactic])
    record_version(tactic, "First")
    record_version(patrols, "First")
    hotline = make_countermeasure("Hotline")
    hotline.mitigations.create(tactic=tactic, note="Reports reach the police.")
    patrols.mitigations.all().delete()
    assert changes_of(publish_change(tactic, "Links")) == [
        "Countermeasure linked: Hotline",
        "Countermeasure unlinked: Patrols",
    ]
    assert changes_of(record_version(patrols, "Unlinked")) == ["No longer linked to: Lantern"]


def test_a_link_to_an_unpublished_countermeasure_is_not_told():
    tactic = make_tactic("Lantern")
    record_version(tactic, "First")
    make_countermeasure("Secret plan", status=Status.DRAFT, counters=[tactic])
    version = record_version(tactic, "Again")
    assert changes_of(version) == ["Published again, its text unchanged"]


def test_a_version_that_only_translates_says_so():
    tactic = make_tactic("Lantern")
    record_version(tactic, "First")
    tactic.name_es, tactic.summary_es = "Linterna", "Un resumen."
    version = publish_change(tactic, "Spanish")
    assert changes_of(version) == ["Translated into Spanish", "The English text is unchanged"]
    tactic.summary_es = "Un resumen mejor."
    assert changes_of(publish_change(tactic, "Better Spanish"))[0] == (
        "Translation into Spanish updated"
    )


def test_a_quotes_translation_is_not_the_entrys_translation():
    tactic = make_tactic("Lantern")
    citation = cite(tactic, make_source(title="Report"), "They hide their identity.")
    record_version(tactic, "First")
    citation.translation_fr = "Ils cachent leur identité."
    citation.save()
    version = record_version(tactic, "Quote translated")
    assert changes_of(version) == [
        "Translation of a quote into French added",
        "The English text is unchanged",
    ]


def test_a_sources_own_changes_are_told():
    source = make_source(title="Report", publisher="")
    record_version(source, "First")
    source.title, source.publisher, source.summary_en = "The report", "State Department", "Why."
    source.save()
    assert changes_of(record_version(source, "Details")) == [
        "Title corrected (it was “Report”)",
        "Summary added",
        "Publication details corrected",
    ]


def test_every_public_place_that_shows_a_version_says_what_it_changed(reader):
    tactic = make_tactic("Lantern")
    record_version(tactic, "First published by the admin")
    publish_change(tactic, "Internal: reviewed by Alice", summary="A clearer summary.")
    for url in ("/tactics/TT-0001/changes/", "/whats-new/", "/tactics/TT-0001/lantern/"):
        text = reader.get(url).text
        assert "Summary rewritten" in text, url
        assert "reviewed by Alice" not in text, url
    assert "First published" in reader.get("/tactics/TT-0001/changes/").text
    version_page = reader.get("/tactics/TT-0001/v2/").text
    assert "What changed:" in version_page and "Summary rewritten</span>." in version_page
    assert "First published" in reader.get("/tactics/TT-0001/v1/").text


def test_a_pending_revisions_changes_are_not_told(admin_client, reader):
    tactic = complete(make_tactic("Lantern", status=Status.IN_REVIEW))
    url = f"/admin/kb/tactic/{tactic.pk}/change/"
    admin_client.post(url, admin_form(tactic, _transition="publish"))
    record_version(tactic, "Checked again")
    admin_client.post(
        url, admin_form(tactic, summary="A draft nobody reviewed.", change_note="Draft")
    )
    assert tactic.revisions.open().exists()
    for page in ("/tactics/TT-0001/changes/", "/whats-new/", "/tactics/TT-0001/lantern/"):
        text = reader.get(page).text
        assert "Summary rewritten" not in text and "A draft nobody reviewed" not in text
        assert "Published again, its text unchanged" in text, page
    change_log = reader.get("/tactics/TT-0001/changes/").text
    listed = change_log.split('<ol class="changes">')[1].split("</ol>")[0]
    assert "admin" not in listed.lower() and "Draft" not in listed


def test_a_renamed_entrys_old_name_is_said_in_the_readers_language():
    tactic = make_tactic("Lantern", name_es="Linterna")
    record_version(tactic, "First")
    version = publish_change(tactic, "Renamed", name="Lanterns")
    with translation.override("es"):
        said = str(describe([version])[version.pk][0])
    assert "Linterna" in said and "Lanterns" not in said


def test_the_change_log_is_in_the_readers_language(reader):
    tactic = make_tactic("Lantern")
    record_version(tactic, "First")
    tactic.name_es, tactic.summary_es = "Linterna", "Un resumen."
    publish_change(tactic, "Spanish")
    text = reader.get("/fr/tactics/TT-0001/changes/").text
    with translation.override("fr"):
        first, translated = str(Change("first_published")), str(Change("translated", language="es"))
    assert first == "Première publication" and first in text
    # The language translated into is named in the reader's language.
    assert "Espagnol" in translated and translated in text


def test_change_log_and_whats_new_read_the_same_number_of_queries_however_many_versions(reader):
    def publish(entries: int, versions: int) -> Tactic:
        tactics = [make_tactic() for _ in range(entries)]
        for tactic in tactics:
            cite(tactic, make_source(), "A quote.")
            make_countermeasure(counters=[tactic])
            record_version(tactic, "First")
            for n in range(versions - 1):
                tactic.indicators.create(text=f"Sign {n}")
                cite(tactic, make_source(), f"Quote {n}")
                publish_change(tactic, "More", summary=f"Summary {n}.")
        return tactics[0]

    few = publish(entries=2, versions=2)
    counts_few = [count_queries(reader, f"/tactics/{few.public_id}/changes/")]
    counts_few.append(count_queries(reader, "/whats-new/"))
    many = publish(entries=6, versions=4)
    counts_many = [count_queries(reader, f"/tactics/{many.public_id}/changes/")]
    counts_many.append(count_queries(reader, "/whats-new/"))
    assert counts_few == counts_many
    # The entry, its versions and status changes; then the previous versions' moments
    # and one query per historical table (red flags, citations, links, tactics,
    # countermeasures, sources, and a tactic's four kinds of terms).
    assert counts_many[0] <= 13 and counts_many[1] <= 12


def test_the_seeds_dates_agree_on_every_page(reader):
    call_command("seed", verbosity=0)
    tactic = Tactic.objects.get(public_id="TT-0001")
    first = tactic.versions.get(number=1)
    assert tactic.published_at == tactic.updated_at == tactic.created_at == first.published_at
    assert set(tactic.history.values_list("history_date", flat=True)) == {first.published_at}
    assert set(Source.objects.values_list("published_at", flat=True)) == {first.published_at}

    page = reader.get(tactic.get_absolute_url()).text
    header = page.split('class="entry-header"')[1].split("</header>")[0]
    # First published, last updated and version 1: one moment.
    stamps = re.findall(r'<time datetime="([^"]+)"', header)
    assert len(stamps) == 3 and set(stamps) == {first.published_at.isoformat()}
    version_page = reader.get(first.get_absolute_url()).text
    assert date_format(localtime(first.published_at), "DATE_FORMAT") in version_page
    assert "First published" in version_page
