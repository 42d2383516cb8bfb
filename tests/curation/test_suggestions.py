"""Suggestions in the admin: contributors read them, reviewers accept or dismiss them. An
accepted new tactic becomes a draft with its history, which readers cannot see; an
accepted correction hands the reviewer over to the entry's change form."""

from __future__ import annotations

import pytest
from django.test import Client

from kb.models import (
    Category,
    Status,
    Suggestion,
    SuggestionKind,
    SuggestionStatus,
    Tactic,
)

from ..factories import make_source, make_tactic, make_term

pytestmark = pytest.mark.django_db

MESSAGE = "Recruiters send a fake visa form\nthrough a messaging app, then ask for a fee."


def suggest(kind: str = SuggestionKind.NEW_TACTIC, **fields) -> Suggestion:
    """A suggestion as the public form leaves it."""
    fields.setdefault("message", MESSAGE)
    return Suggestion.objects.create(kind=kind, **fields)


def change_url(suggestion: Suggestion) -> str:
    return f"/admin/kb/suggestion/{suggestion.pk}/change/"


def decide(client: Client, suggestion: Suggestion, **form):
    return client.post(change_url(suggestion), form)


def test_accepting_a_new_tactic_creates_a_draft_with_its_history(reviewer, reader):
    category = make_term(Category, "Recruitment")
    suggestion = suggest()
    page = reviewer.get(change_url(suggestion)).text
    assert 'value="Recruiters send a fake visa form"' in page  # the name, guessed

    response = decide(
        reviewer,
        suggestion,
        decision="accept",
        tactic_name="Fake visa forms",
        category=category.pk,
        reviewer_note="Seen twice this month.",
    )
    draft = Tactic.objects.get(name_en="Fake visa forms")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/kb/tactic/{draft.pk}/change/"
    assert (draft.status, draft.category, draft.summary) == (Status.DRAFT, category, MESSAGE)
    assert draft.slug == "fake-visa-forms"
    record = draft.history.get()
    assert record.history_user.username == "reviewers"
    assert record.history_change_reason == f"Created from suggestion #{suggestion.pk}"

    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.ACCEPTED
    assert suggestion.draft == draft
    assert suggestion.handled_by.username == "reviewers"
    assert suggestion.handled_at is not None
    assert suggestion.reviewer_note == "Seen twice this month."
    assert f"/admin/kb/tactic/{draft.pk}/change/" in reviewer.get(change_url(suggestion)).text

    # The draft is not public until it has been reviewed and published.
    for url in (draft.get_absolute_url(), f"/tactics/{draft.public_id}/"):
        assert reader.get(url).status_code == 404
    for url in ("/tactics/", "/search/?q=visa", "/api/search/?q=visa&format=json"):
        assert "Fake visa forms" not in reader.get(url).content.decode(), url


def test_a_new_tactic_needs_a_category_and_a_name(reviewer):
    suggestion = suggest()
    response = decide(reviewer, suggestion, decision="accept", tactic_name="", category="")
    assert response.status_code == 200
    assert "Choose a category for the new draft tactic." in response.text
    assert "Give the new draft tactic a name." in response.text
    assert not Tactic.objects.exists()
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.NEW


def test_a_drafts_slug_never_takes_another_tactics_or_names_another_page(reviewer):
    make_tactic("Fake visa forms")  # slug fake-visa-forms
    category = make_term(Category)
    for name, expected in [("Fake visa forms", "fake-visa-forms-2"), ("TT 12", "tactic-tt-12")]:
        suggestion = suggest()
        decide(reviewer, suggestion, decision="accept", tactic_name=name, category=category.pk)
        suggestion.refresh_from_db()
        assert suggestion.draft.slug == expected


def test_accepting_a_correction_leads_to_the_entrys_change_form(reviewer):
    tactic = make_tactic("Lantern grooming")
    suggestion = suggest(SuggestionKind.CORRECTION, about=tactic.public_id)
    page = reviewer.get(change_url(suggestion)).text
    assert f"/admin/kb/tactic/{tactic.pk}/change/" in page
    assert "Category of the new tactic" not in page

    response = decide(reviewer, suggestion, decision="accept", reviewer_note="")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/kb/tactic/{tactic.pk}/change/"
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.ACCEPTED
    assert suggestion.draft is None
    assert Tactic.objects.count() == 1


def test_accepting_a_source_leads_to_the_source_or_a_new_one_with_its_link(reviewer):
    source = make_source()
    about_it = suggest(SuggestionKind.SOURCE, about=source.public_id)
    assert decide(reviewer, about_it, decision="accept")["Location"] == (
        f"/admin/kb/source/{source.pk}/change/"
    )
    new_one = suggest(SuggestionKind.SOURCE, link="https://example.org/report")
    assert decide(reviewer, new_one, decision="accept")["Location"] == (
        "/admin/kb/source/add/?url=https%3A%2F%2Fexample.org%2Freport"
    )


def test_dismissing_takes_a_note_and_leaves_the_suggestion_read_only(reviewer):
    suggestion = suggest()
    refused = decide(reviewer, suggestion, decision="dismiss", reviewer_note="")
    assert refused.status_code == 200
    assert "Say why it is dismissed." in refused.text

    response = decide(reviewer, suggestion, decision="dismiss", reviewer_note="Not a tactic.")
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.DISMISSED
    assert suggestion.reviewer_note == "Not a tactic."
    assert not Tactic.objects.exists()
    # Handled: nobody may decide again.
    again = decide(reviewer, suggestion, decision="accept", reviewer_note="Changed my mind.")
    assert again.status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.DISMISSED


def test_reviewers_dismiss_spam_from_the_list(reviewer):
    spam = [suggest(message=f"Buy pills {n}") for n in range(3)]
    handled = suggest()
    handled.status = SuggestionStatus.ACCEPTED
    handled.save()
    response = reviewer.post(
        "/admin/kb/suggestion/",
        {"action": "dismiss_selected", "_selected_action": [s.pk for s in [*spam, handled]]},
    )
    assert response.status_code == 302
    assert Suggestion.objects.filter(status=SuggestionStatus.DISMISSED).count() == 3
    handled.refresh_from_db()
    assert handled.status == SuggestionStatus.ACCEPTED


def test_reviewers_may_delete_a_suggestion_that_holds_what_must_not_be_kept(reviewer):
    suggestion = suggest(message="A victim's name and phone number")
    response = reviewer.post(f"/admin/kb/suggestion/{suggestion.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Suggestion.objects.exists()


def test_contributors_read_suggestions_but_neither_decide_nor_see_contacts(contributor):
    category = make_term(Category)
    suggestion = suggest(contact_name="Amina", contact_email="amina@ngo.example")
    assert contributor.get("/admin/kb/suggestion/").status_code == 200
    page = contributor.get(change_url(suggestion))
    assert page.status_code == 200
    assert "Recruiters send a fake visa form" in page.text
    assert "amina@ngo.example" not in page.text
    assert 'name="decision"' not in page.text

    response = decide(
        contributor, suggestion, decision="accept", tactic_name="X", category=category.pk
    )
    assert response.status_code == 403
    contributor.post(
        "/admin/kb/suggestion/",
        {"action": "dismiss_selected", "_selected_action": [suggestion.pk]},
    )
    deleted = contributor.post(f"/admin/kb/suggestion/{suggestion.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.NEW
    assert not Tactic.objects.exists()


def test_staff_without_a_role_see_no_suggestions(staff_client):
    suggestion = suggest()
    assert staff_client.get("/admin/kb/suggestion/").status_code == 403
    assert staff_client.get(change_url(suggestion)).status_code == 403


def test_reviewers_see_the_senders_contact_details(reviewer):
    suggestion = suggest(contact_name="Amina", contact_email="amina@ngo.example")
    assert "amina@ngo.example" in reviewer.get(change_url(suggestion)).text


def test_nobody_adds_suggestions_in_the_admin(admin_client):
    assert admin_client.get("/admin/kb/suggestion/add/").status_code == 403


def test_the_queue_lists_new_suggestions_oldest_first_before_handled_ones(reviewer):
    first, second, third = suggest(message="first"), suggest(message="second"), suggest()
    second.status = SuggestionStatus.DISMISSED
    second.save()
    assert list(Suggestion.objects.awaiting_review()) == [first, third]
    changelist = reviewer.get("/admin/kb/suggestion/")
    assert list(changelist.context["cl"].result_list) == [first, third, second]


def test_a_suggestion_names_itself_briefly():
    tactic = make_tactic()
    suggestion = suggest(SuggestionKind.CORRECTION, about=tactic.public_id, message="x" * 300)
    text = str(suggestion)
    assert text.startswith(f"#{suggestion.pk} A correction to an entry {tactic.public_id}: ")
    assert len(text) < 120
