"""Curation keeps the reading side's promises: a public entry's page, version permalinks and
change log answer through a pending revision, its rejection and its publication; withdrawn
entries keep their pages; once-public entries are never deleted; nothing is published
unchecked; the people concerned are told."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from kb.curation.evidence import attach_text, from_pasted
from kb.curation.workflow import Refused, propose_revision, take_step
from kb.models import Indicator, Revision, RevisionStatus, Status, Tactic, record_version

from ..factories import cite, complete, make_countermeasure, make_source, make_tactic
from .forms import admin_form, inline_management, publish_pending_revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(admin_client) -> Tactic:
    """A published tactic with a version, a red flag and everything publishing checks ask."""
    tactic = complete(make_tactic("Lantern", status=Status.IN_REVIEW))
    tactic.indicators.create(text="Phone checked by someone else")
    take_step(tactic, "publish", None)
    return tactic


def addresses(tactic: Tactic) -> list[str]:
    """The public addresses trainers link to: the page, its version permalink, its change log."""
    return [tactic.get_absolute_url(), f"/tactics/{tactic.public_id}/v1/",
            f"/tactics/{tactic.public_id}/changes/"]  # fmt: skip


def all_answer(reader, tactic: Tactic) -> bool:
    return all(reader.get(url).status_code == 200 for url in addresses(tactic))


def revise(client, tactic: Tactic, **changes) -> None:
    """Save the change form of ``tactic`` with ``changes``, as an editor does."""
    form = admin_form(tactic, **changes)
    response = client.post(f"/admin/kb/tactic/{tactic.pk}/change/", form)
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_pages_answer_through_a_pending_revision_its_rejection_and_its_publication(
    admin_client, reviewer, reader, published
):
    assert all_answer(reader, published)
    revise(admin_client, published, name="Lantern, renamed", _transition="submit_revision")
    assert all_answer(reader, published)
    assert "Lantern, renamed" not in reader.get(published.get_absolute_url()).text

    publish_pending_revision(reviewer, published, "request_revision_changes", review_comment="Why?")
    assert all_answer(reader, published)
    publish_pending_revision(reviewer, published, "discard_revision")
    assert all_answer(reader, published)
    assert not Revision.objects.open().exists()

    revise(admin_client, published, name="Lantern, renamed")
    publish_pending_revision(reviewer, published)
    assert all_answer(reader, published)
    assert "Lantern, renamed" in reader.get(published.get_absolute_url()).text
    assert f"/tactics/{published.public_id}/v2/" in reader.get(addresses(published)[2]).text


def test_a_revision_carries_indicators_and_citations_and_leaves_the_live_ones(
    admin_client, reviewer, reader, published
):
    form = {
        **admin_form(published),
        **inline_management("indicators", 1),
        "indicators-0-text_en": "A second phone appears",
        "indicators-0-position": "1",
    }
    admin_client.post(f"/admin/kb/tactic/{published.pk}/change/", form)
    assert list(published.indicators.values_list("text_en", flat=True)) == [
        "Phone checked by someone else"
    ]
    # The change form shows the revision's new red flag, and saving again keeps it once.
    page = admin_client.get(f"/admin/kb/tactic/{published.pk}/change/").text
    assert "A second phone appears" in page
    review = admin_client.get(f"/admin/kb/tactic/{published.pk}/revision/").text
    assert "<ins>A second phone appears</ins>" in review and "Indicators" in review
    preview = admin_client.get(f"/admin/kb/tactic/{published.pk}/revision/preview/").text
    assert "A second phone appears" in preview and "Preview of a pending revision" in preview
    assert "A second phone appears" not in reader.get(published.get_absolute_url()).text

    publish_pending_revision(reviewer, published)
    assert sorted(published.indicators.values_list("text_en", flat=True)) == [
        "A second phone appears", "Phone checked by someone else",
    ]  # fmt: skip
    assert Indicator.objects.filter(pk__lt=0).count() == 0


def test_a_minor_correction_is_published_without_a_new_version(admin_client, reviewer, published):
    revise(admin_client, published, summary="Fixed a typo.")
    publish_pending_revision(reviewer, published, "publish_minor_revision")
    published.refresh_from_db()
    assert published.summary == "Fixed a typo."
    assert published.versions.count() == 1
    assert published.history.filter(history_change_reason__startswith="Minor correction").exists()


def test_propose_revision_changes_nothing_live_until_published(published, django_user_model):
    author = django_user_model.objects.create_user("importer", is_staff=True)

    def rename(tactic: Tactic) -> None:
        tactic.name = "Lantern, from a spreadsheet"
        tactic.save()
        tactic.indicators.all().delete()

    revision = propose_revision(published, author=author, note="Imported", edit=rename)
    published.refresh_from_db()
    assert published.name == "Lantern" and published.indicators.count() == 1
    assert revision is not None and revision.proposed["parts"]["indicators"] == []
    assert propose_revision(published, author=author, note="", edit=lambda t: None) == revision


def test_withdrawing_needs_a_reason_and_keeps_the_pages_with_the_notice(
    reviewer, reader, published
):
    url = f"/admin/kb/tactic/{published.pk}/change/"
    response = reviewer.post(url, admin_form(published, _transition="withdraw"))
    assert response.status_code == 200 and "needs a comment" in response.text
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED

    reason = "The report it rests on was corrected."
    reviewer.post(url, admin_form(published, _transition="withdraw", review_comment=reason))
    published.refresh_from_db()
    assert published.status == Status.WITHDRAWN
    for address in addresses(published):
        page = reader.get(address)
        assert page.status_code == 200
        assert "was withdrawn" in page.text or "Withdrawn" in page.text
    assert reason in reader.get(published.get_absolute_url()).text
    assert reason in reader.get(addresses(published)[2]).text
    assert "Lantern" not in reader.get("/tactics/").text
    assert "Lantern" not in reader.get("/search/?q=lantern").text


def test_deleting_an_entry_that_was_ever_published_is_refused(admin_client, published):
    page = admin_client.get(f"/admin/kb/tactic/{published.pk}/delete/", follow=True)
    assert "Withdraw it instead" in page.text
    admin_client.post(f"/admin/kb/tactic/{published.pk}/delete/", {"post": "yes"})
    response = admin_client.post(
        "/admin/kb/tactic/",
        {"action": "delete_selected", "_selected_action": [published.pk], "post": "yes"},
        follow=True,
    )
    assert "so nothing was deleted" in response.text
    assert Tactic.objects.filter(pk=published.pk).exists()
    draft = make_tactic("Never public", status=Status.DRAFT)
    admin_client.post(f"/admin/kb/tactic/{draft.pk}/delete/", {"post": "yes"})
    assert not Tactic.objects.filter(pk=draft.pk).exists()


def test_publishing_an_entry_that_fails_a_check_is_refused_with_the_reasons(reviewer):
    bare = make_tactic("Bare", status=Status.IN_REVIEW)
    cite(bare, make_source(status=Status.DRAFT, title="Unpublished report"))
    response = reviewer.post(
        "/admin/kb/tactic/", {"action": "publish", "_selected_action": [bare.pk]}, follow=True
    )
    bare.refresh_from_db()
    assert bare.status == Status.IN_REVIEW and not bare.versions.exists()
    text = response.text.replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert "It has no stage" in text
    assert "It names no technology" in text
    assert "None of its sources is published" in text and "Unpublished report" in text


def test_a_tactic_takes_its_new_source_through_review_and_publication(contributor, reviewer):
    tactic = complete(make_tactic("Newcomer", status=Status.DRAFT))
    tactic.citations.all().delete()
    source = make_source(status=Status.DRAFT, title="A new report", publisher="P", dateline="May")
    cite(tactic, source)
    contributor.post(
        "/admin/kb/tactic/",
        {"action": "send_to_review", "_selected_action": [tactic.pk]},
    )
    source.refresh_from_db()
    assert source.status == Status.IN_REVIEW
    response = reviewer.post(
        "/admin/kb/tactic/", {"action": "publish", "_selected_action": [tactic.pk]}, follow=True
    )
    tactic.refresh_from_db(), source.refresh_from_db()
    assert tactic.status == source.status == Status.PUBLISHED
    assert "A new report" in response.text and "went too" in response.text


def test_a_tampered_quote_blocks_publishing(reviewer):
    tactic = complete(make_tactic("Quoted", status=Status.IN_REVIEW))
    source = tactic.citations.get().source
    attach_text(source, from_pasted("The text says exactly this.\n\nAnd more."), None)
    citation = tactic.citations.get()
    citation.quote = "The text says something else."
    citation.save()
    with pytest.raises(Refused, match="not in the stored text"):
        take_step(tactic, "publish", None)
    citation.quote = "The text says exactly this."
    citation.save()
    take_step(tactic, "publish", None)
    tactic.refresh_from_db()
    assert tactic.status == Status.PUBLISHED


def test_a_countermeasure_needs_a_published_tactic_it_counters():
    countermeasure = make_countermeasure("Patrols", status=Status.IN_REVIEW)
    cite(countermeasure, make_source())
    with pytest.raises(Refused, match="counters no published tactic"):
        take_step(countermeasure, "publish", None)


def test_reviewers_and_authors_are_told_by_email(
    contributor, reviewer, django_user_model, django_capture_on_commit_callbacks
):
    for user in django_user_model.objects.filter(username__in=["contributors", "reviewers"]):
        user.email = f"{user.username}@example.org"
        user.save()
    tactic = complete(make_tactic("Lantern", status=Status.PUBLISHED))
    record_version(tactic, "First")
    with django_capture_on_commit_callbacks(execute=True):  # mail leaves once work is saved
        revise(contributor, tactic, name="Lantern, better", _transition="submit_revision")
    assert [m.to for m in mail.outbox] == [["reviewers@example.org"]]
    assert "awaits review" in mail.outbox[0].subject

    with django_capture_on_commit_callbacks(execute=True):
        publish_pending_revision(
            reviewer, tactic, "request_revision_changes", review_comment="Source?"
        )
    assert mail.outbox[-1].to == ["contributors@example.org"]
    assert "Source?" in mail.outbox[-1].body
    revision = Revision.objects.get(tactic=tactic)
    assert revision.status == RevisionStatus.DRAFT
    page = contributor.get(f"/admin/kb/tactic/{tactic.pk}/change/").text
    assert "Source?" in page  # the contributor sees the comment on the entry


def test_the_review_queue_lists_what_awaits_review_oldest_first(contributor, reviewer):
    new = complete(make_tactic("Newcomer", status=Status.DRAFT))
    contributor.post(
        f"/admin/kb/tactic/{new.pk}/change/", admin_form(new, _transition="send_to_review")
    )
    live = complete(make_tactic("Lantern", status=Status.PUBLISHED))
    revise(contributor, live, name="Lantern, better", _transition="submit_revision")
    page = reviewer.get("/admin/").text
    assert "Awaiting review (2)" in page
    assert page.index("Newcomer") < page.index("Lantern")
    assert f"/admin/kb/tactic/{live.pk}/revision/" in page and "Changes: Name" in page
    assert "Awaiting review" not in contributor.get("/admin/").text


def test_check_content_lists_failures_and_exits_1(capsys):
    make_tactic("Bare")
    with pytest.raises(CommandError):
        call_command("check_content")
    assert "TT-0001 Bare: It has no stage" in capsys.readouterr().out


def test_a_browsers_line_breaks_are_no_change(admin_client, published):
    published.description = "First paragraph.\n\nSecond paragraph."
    published.save()
    form = admin_form(published, description="First paragraph.\r\n\r\nSecond paragraph.")
    response = admin_client.post(f"/admin/kb/tactic/{published.pk}/change/", form, follow=True)
    assert "Nothing was changed" in response.text
    assert not Revision.objects.exists()


def test_two_editors_of_one_revision_do_not_overwrite_each_other_unknowingly(
    admin_client, reviewer, published
):
    url = f"/admin/kb/tactic/{published.pk}/change/"
    opened = admin_client.get(url).context["adminform"].form["revision_seen"].value()
    revise(reviewer, published, name="Lantern, by the reviewer")
    stale = admin_form(published, name="Lantern, by the admin", revision_seen=opened)
    response = admin_client.post(url, stale)
    assert response.status_code == 200
    assert "Someone saved this entry&#x27;s pending revision" in response.text
    assert "Lantern, by the admin" in response.text  # nothing typed is lost
    revision = Revision.objects.get(tactic=published)
    assert revision.proposed["fields"]["name_en"] == "Lantern, by the reviewer"
    # Saving the form again keeps the admin's version, knowingly.
    again = response.context["adminform"].form["revision_seen"].value()
    admin_client.post(url, {**stale, "revision_seen": again})
    revision.refresh_from_db()
    assert revision.proposed["fields"]["name_en"] == "Lantern, by the admin"


def test_a_revision_naming_a_source_deleted_since_leaves_that_citation_out_and_says_so(
    admin_client, reviewer, published
):
    doomed = make_source(status=Status.DRAFT, title="Deleted later")

    def cite_doomed(tactic: Tactic) -> None:
        cite(tactic, doomed, "A quote from a report deleted later.")

    propose_revision(published, author=None, note="More evidence", edit=cite_doomed)
    doomed.delete()
    page = admin_client.get(f"/admin/kb/tactic/{published.pk}/change/", follow=True)
    assert page.status_code == 200 and "was left out" in page.text
    response = publish_pending_revision(reviewer, published)
    assert "was left out" in response.text
    assert published.citations.count() == 1 and published.versions.count() == 2


def test_a_reviewer_never_publishes_a_revision_saved_again_after_reading_it(
    admin_client, reviewer, published
):
    revise(admin_client, published, name="Lantern, first", _transition="submit_revision")
    page = reviewer.get(f"/admin/kb/tactic/{published.pk}/revision/")
    seen = re.search(r'name="revision_seen" value="([^"]+)"', page.text)[1]
    revise(admin_client, published, name="Lantern, changed meanwhile")
    response = publish_pending_revision(reviewer, published, revision_seen=seen)
    assert "saved again after you read it" in response.text
    published.refresh_from_db()
    assert published.name == "Lantern"


def test_a_step_is_taken_once_however_often_it_is_asked(admin_client, reviewer, published):
    revise(admin_client, published, name="Lantern, once")
    publish_pending_revision(reviewer, published)
    response = publish_pending_revision(reviewer, published)  # a second click, a stale page
    assert response.status_code == 404  # no open revision any more
    assert published.versions.count() == 2


def test_a_contributor_sees_a_revision_in_review_read_only(contributor, published):
    revise(contributor, published, name="Lantern, proposed", _transition="submit_revision")
    page = contributor.get(f"/admin/kb/tactic/{published.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.text


def test_the_queue_says_how_many_wait_and_shows_the_longest_waiting(reviewer, settings):
    from kb.curation import queue

    for number in range(queue.QUEUE_LENGTH + 2):
        make_tactic(f"Waiting {number}", status=Status.IN_REVIEW)
    page = reviewer.get("/admin/").text
    assert f"Awaiting review ({queue.QUEUE_LENGTH + 2})" in page
    assert page.count("New tactic") == queue.QUEUE_LENGTH


def test_a_revision_proposed_while_an_entry_was_in_review_is_what_its_form_edits(
    reviewer, django_user_model
):
    in_review = complete(make_tactic("Lantern", status=Status.IN_REVIEW))

    def rename(tactic: Tactic) -> None:
        tactic.name = "Lantern, imported"
        tactic.save()

    propose_revision(in_review, author=None, note="Imported", edit=rename)
    page = reviewer.get(f"/admin/kb/tactic/{in_review.pk}/change/").text
    assert "This entry has a pending revision" in page and "Lantern, imported" in page
    publish_pending_revision(reviewer, in_review)
    in_review.refresh_from_db()
    assert (in_review.name, in_review.status) == ("Lantern, imported", Status.IN_REVIEW)
    assert not in_review.versions.exists()
