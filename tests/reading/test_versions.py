"""Published versions, change logs, version permalinks, old slugs and "what's new"."""

import itertools

import pytest
from django.core.management import call_command
from django.utils import timezone

from kb.models import Category, PublishedVersion, Stage, Status, Tactic, record_version

from ..curation.forms import admin_form, publish_pending_revision
from ..factories import (
    cite,
    complete,
    make_countermeasure,
    make_source,
    make_tactic,
    make_term,
    publish_change,
)
from ..queries import count_queries, count_rows

pytestmark = pytest.mark.django_db


def test_publishing_and_editing_in_the_admin_number_versions(admin_client):
    tactic = complete(make_tactic("Lantern", status=Status.IN_REVIEW))
    url = f"/admin/kb/tactic/{tactic.pk}/change/"
    admin_client.post(url, admin_form(tactic, _transition="publish"))
    # An edit of the published tactic is a pending revision, numbered once published.
    admin_client.post(url, admin_form(tactic, summary="Better.", change_note="Clearer summary"))
    assert tactic.versions.count() == 1
    publish_pending_revision(admin_client, tactic)
    notes = list(tactic.versions.order_by("number").values_list("number", "note"))
    assert notes == [(1, "Publish"), (2, "Clearer summary")]


def test_editing_a_draft_makes_no_version(admin_client):
    tactic = make_tactic("Lantern", status=Status.DRAFT)
    admin_client.post(f"/admin/kb/tactic/{tactic.pk}/change/", admin_form(tactic, summary="x"))
    assert not tactic.versions.exists()


def test_bulk_publish_numbers_a_version(admin_client):
    tactic = complete(make_tactic("Lantern", status=Status.IN_REVIEW))
    admin_client.post("/admin/kb/tactic/", {"action": "publish", "_selected_action": [tactic.pk]})
    assert list(tactic.versions.values_list("number", "note")) == [(1, "Publish")]


def test_admin_shows_the_full_history(admin_client):
    tactic = make_tactic("Lantern")
    publish_change(tactic, "Renamed", name="Lanterns")
    response = admin_client.get(f"/admin/kb/tactic/{tactic.pk}/history/")
    assert response.status_code == 200 and "Renamed" in response.text


def test_version_page_shows_the_tactic_exactly_as_published(reader):
    stage = make_term(Stage, "Control")
    tactic = make_tactic("Old name", slug="old-name", stages=[stage])
    tactic.indicators.create(text="First sign")
    cite(tactic, make_source(title="A report"), "Old quote")
    record_version(tactic, "First published")
    tactic.indicators.create(text="Later sign")
    tactic.stages.clear()
    publish_change(tactic, "Renamed", name="New name", slug="new-name")

    old = reader.get("/tactics/TT-0001/v1/")
    assert old.status_code == 200
    assert "<h1>Old name</h1>" in old.text and "First sign" in old.text
    assert "Later sign" not in old.text and "Control" in old.text and "Old quote" in old.text
    assert "This is not the current version" in old.text
    assert 'href="/tactics/TT-0001/new-name/"' in old.text
    assert '<meta name="robots" content="noindex">' in old.text

    new = reader.get("/tactics/TT-0001/v2/")
    assert "<h1>New name</h1>" in new.text and "Later sign" in new.text
    assert "This is the current version" in new.text


def test_unknown_versions_and_unpublished_tactics_are_not_found(reader):
    tactic = make_tactic("Lantern")
    record_version(tactic, "First")
    assert reader.get("/tactics/TT-0001/v2/").status_code == 404
    draft = make_tactic("Secret", status=Status.DRAFT)
    record_version(draft, "Should not show")
    for url in (f"/tactics/{draft.public_id}/v1/", f"/tactics/{draft.public_id}/changes/"):
        assert reader.get(url).status_code == 404


def test_change_log_lists_versions_newest_first(reader):
    countermeasure = make_countermeasure("Patrols")
    record_version(countermeasure, "First published")
    cite(countermeasure, make_source(title="Patrol report"), "Patrols work.")
    record_version(countermeasure, "Added a quote")
    response = reader.get("/countermeasures/CM-0001/changes/")
    assert [e["version"].number for e in response.context["events"]] == [2, 1]
    # What each version changed, in readers' words, not the editor's note.
    assert 'id="v2"' in response.text and "Source added: “Patrol report”" in response.text
    assert "Added a quote" not in response.text


def test_entry_page_offers_the_version_permalink_and_change_log(reader):
    tactic = make_tactic("Lantern")
    record_version(tactic, "First")
    text = reader.get(tactic.get_absolute_url()).text
    assert 'href="/tactics/TT-0001/v1/"' in text and 'href="/tactics/TT-0001/changes/"' in text


def test_every_slug_a_tactic_ever_had_redirects_to_it(reader):
    tactic = make_tactic("First", slug="first")
    for slug in ("second", "third"):
        tactic.slug = slug
        tactic.save()
    for slug in ("first", "second", "third"):
        response = reader.get(f"/tactics/{slug}/")
        assert response.status_code == 301
        assert response["Location"] == "/tactics/TT-0001/third/"
    assert reader.get("/tactics/never-existed/").status_code == 404


def test_renamed_countermeasures_and_sources_keep_their_old_slugs(reader):
    countermeasure = make_countermeasure("Patrols", slug="patrols")
    countermeasure.slug = "street-patrols"
    countermeasure.save()
    source = make_source(title="Report", slug="report")
    source.slug = "annual-report"
    source.save()
    assert (
        reader.get("/countermeasures/patrols/")["Location"]
        == "/countermeasures/CM-0001/street-patrols/"
    )
    assert reader.get("/sources/report/")["Location"] == "/sources/SR-0001/annual-report/"


def test_countermeasure_and_source_versions_show_them_as_published(reader):
    tactic = make_tactic("Fake jobs")
    countermeasure = make_countermeasure("Old patrols", counters=[tactic])
    record_version(countermeasure, "First")
    countermeasure.name = "New patrols"
    countermeasure.save()
    record_version(countermeasure, "Renamed")
    old = reader.get("/countermeasures/CM-0001/v1/")
    assert "<h1>Old patrols</h1>" in old.text and "Fake jobs" in old.text
    source = make_source(title="Old title")
    record_version(source, "First")
    source.title = "New title"
    source.save()
    assert "<h1>Old title</h1>" in reader.get("/sources/SR-0001/v1/").text


def test_a_version_shows_its_category_under_its_current_name_or_not_once_deleted(reader):
    old = make_term(Category, "Luring")
    tactic = make_tactic("Lantern", category=old)
    record_version(tactic, "First published")
    old.name = "Recruitment and luring"
    old.save()
    assert "<dd>Recruitment and luring</dd>" in reader.get("/tactics/TT-0001/v1/").text
    publish_change(tactic, "Moved", category=make_term(Category, "Control"))
    old.delete()
    page = reader.get("/tactics/TT-0001/v1/")
    assert page.status_code == 200 and "<dt>Category</dt>" not in page.text
    assert "<dd>Control</dd>" in reader.get("/tactics/TT-0001/v2/").text


_unrelated = itertools.count(1)


def unrelated_entries(count: int) -> None:
    """``count`` published sources, tactics and countermeasures with nothing to do with the
    entry under test, each with its own indicators, citations and links."""
    for n in itertools.islice(_unrelated, count):
        source = make_source(title=f"Unrelated report {n}")
        other = make_tactic(f"Unrelated tactic {n}")
        other.indicators.create(text=f"Unrelated sign {n}")
        cite(other, source, f"Unrelated quote {n}")
        countermeasure = make_countermeasure(f"Unrelated countermeasure {n}", counters=[other])
        cite(countermeasure, source, f"Unrelated evidence {n}")


def published_now(version: PublishedVersion) -> None:
    """Move ``version``'s moment to now: everything made before stood in the knowledge base
    when it was published."""
    PublishedVersion.objects.filter(pk=version.pk).update(published_at=timezone.now())


@pytest.mark.parametrize("kind", ["tactic", "countermeasure"])
def test_a_version_page_reads_only_the_rows_its_entry_links_to(reader, kind):
    # A page that loaded every source or entry published at the version's moment took time
    # in proportion to the whole knowledge base.
    tactic = make_tactic("Lantern", stages=[make_term(Stage, "Control")])
    tactic.indicators.create(text="First sign")
    countermeasure = make_countermeasure("Beacon", counters=[tactic])
    source = make_source(title="A report")
    cite(tactic, source, "A quote")
    cite(countermeasure, source, "Some evidence")
    entry = tactic if kind == "tactic" else countermeasure
    version = record_version(entry, "First published")
    url = version.get_absolute_url()

    unrelated_entries(1)
    published_now(version)
    queries, rows = count_queries(reader, url), count_rows(reader, url)
    unrelated_entries(30)
    published_now(version)
    assert count_queries(reader, url) == queries
    assert count_rows(reader, url) == rows
    text = reader.get(url).text
    other_side = "Beacon" if kind == "tactic" else "Lantern"
    assert "A report" in text and other_side in text and "Unrelated" not in text


def test_a_draft_is_not_found_by_its_slug(reader):
    make_tactic("Secret", slug="secret", status=Status.DRAFT)
    assert reader.get("/tactics/secret/").status_code == 404


def test_whats_new_lists_recent_versions_of_public_entries_only(reader):
    shown = make_tactic("Shown")
    record_version(shown, "First published")
    hidden = make_tactic("Hidden")
    record_version(hidden, "Published, then withdrawn")
    hidden.status = Status.DRAFT
    hidden.save()
    response = reader.get("/whats-new/")
    assert [v.entry.name for v in response.context["versions"]] == ["Shown"]
    assert "Hidden" not in response.text


def test_seed_starts_every_published_entry_at_version_one():
    call_command("seed", verbosity=0)
    for model_name in ("tactic", "countermeasure", "source"):
        counts = PublishedVersion.objects.filter(**{f"{model_name}__isnull": False})
        assert set(counts.values_list("number", flat=True)) == {1}
    tactic = Tactic.objects.get(public_id="TT-0009")
    assert tactic.history.exists() and tactic.indicators.first().history.exists()


# --- restoring an earlier version from the admin's history ----------------------------------


@pytest.fixture
def revised_tactic(admin_client):
    """A published tactic with an indicator, a citation and a countermeasure link, then
    revised: the indicator replaced, the quote edited, the link removed, the source of a
    second citation deleted. Returns the tactic and its first historical record."""
    tactic = complete(make_tactic("Lantern"))
    tactic.citations.all().delete()  # the test's own citations follow
    first = tactic.history.latest()
    tactic.indicators.create(text="First sign")
    citation = cite(tactic, make_source(title="A report"), "Old quote")
    doomed = cite(tactic, make_source(title="Withdrawn report"), "Withdrawn quote")
    make_countermeasure("Beacon", counters=[tactic])
    publish_change(tactic, "Revised", name="Lantern, revised")
    tactic.indicators.all().delete()
    tactic.indicators.create(text="Later sign")
    citation.quote = "New quote"
    citation.save()
    tactic.mitigations.all().delete()
    source = doomed.source
    doomed.delete()
    source.delete()
    return tactic, first


def restore(admin_client, tactic, record):
    """Restore ``record`` (a pending revision of the published tactic), then publish it."""
    url = f"/admin/kb/tactic/{tactic.pk}/history/{record.history_id}/"
    response = admin_client.post(url, admin_form(tactic, name=record.name), follow=True)
    publish_pending_revision(admin_client, tactic)
    return response


def test_restoring_a_version_brings_back_its_indicators_citations_and_links(
    admin_client, revised_tactic
):
    tactic, first = revised_tactic
    response = restore(admin_client, tactic, first)
    tactic.refresh_from_db()
    assert tactic.name == "Lantern"
    assert [i.text for i in tactic.indicators.all()] == ["First sign"]
    assert list(tactic.citations.values_list("quote", flat=True)) == ["Old quote"]
    assert [m.countermeasure.name for m in tactic.mitigations.all()] == ["Beacon"]
    # The deleted source cannot come back, and the admin says so.
    assert "“Withdrawn quote” was not restored" in response.text.replace("&quot;", "“")


def test_restoring_a_published_entry_numbers_a_version_and_keeps_the_history(
    admin_client, revised_tactic, reader
):
    tactic, first = revised_tactic
    restore(admin_client, tactic, first)
    latest = tactic.versions.order_by("-number").first()
    assert latest.note.startswith("Restored the version of ")
    page = reader.get(latest.get_absolute_url()).text
    assert "First sign" in page and "Old quote" in page and "Later sign" not in page
    # Nothing is rewritten: the revision stays in the history, after it the restore.
    assert tactic.indicators.model.history.filter(text_en="Later sign", history_type="-").exists()


def test_a_restore_that_fails_part_way_changes_nothing(admin_client, revised_tactic, monkeypatch):
    tactic, first = revised_tactic

    def fail(entry, moment):
        raise RuntimeError("disk full")

    monkeypatch.setattr("kb.curation.admin.entries.restore_parts", fail)
    admin_client.raise_request_exception = False
    response = admin_client.post(
        f"/admin/kb/tactic/{tactic.pk}/history/{first.history_id}/",
        admin_form(tactic, name="Lantern"),
    )
    assert response.status_code == 500
    tactic.refresh_from_db()
    assert tactic.name == "Lantern, revised"
