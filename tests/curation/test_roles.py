"""Editorial roles: contributors write drafts and send them to review, reviewers publish,
return to draft and retire, and only superusers manage users. Each role can do exactly its
part, through every way the admin offers (buttons, list actions, history restore)."""

from __future__ import annotations

import pytest
from django.test import Client

from kb.models import Category, Revision, Status, Tactic, Technology

from ..factories import complete, make_countermeasure, make_source, make_tactic, make_term
from .forms import inline_management, new_tactic_form, publish_pending_revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def tactic_form():
    category, technology = make_term(Category), make_term(Technology)
    source, countermeasure = make_source(), make_countermeasure("Seize servers")
    return new_tactic_form(category, technology, source, countermeasure)


def edit(tactic: Tactic, form: dict, **changes) -> dict:
    """The change form as posted for an entry with no new inline rows."""
    return {
        **form,
        "slug": tactic.slug,
        **inline_management("indicators", 0),
        **inline_management("citations", 0),
        **inline_management("mitigations", 0),
        # A translated field named plainly is its English column.
        **{
            (f"{name}_en" if name in Tactic.TRANSLATED_FIELDS else name): v
            for name, v in changes.items()
        },
    }


def act(client: Client, action: str, tactic: Tactic) -> Tactic:
    client.post("/admin/kb/tactic/", {"action": action, "_selected_action": [tactic.pk]})
    tactic.refresh_from_db()
    return tactic


def test_contributor_writes_a_draft_and_sends_it_to_review(contributor, tactic_form):
    response = contributor.post("/admin/kb/tactic/add/", tactic_form)
    assert response.status_code == 302
    tactic = Tactic.objects.get(slug="fake-modelling-agency")
    assert tactic.status == Status.DRAFT
    assert tactic.citations.count() == tactic.indicators.count() == 1

    page = contributor.get(f"/admin/kb/tactic/{tactic.pk}/change/").text
    assert 'value="send_to_review"' in page and 'value="publish"' not in page
    url = f"/admin/kb/tactic/{tactic.pk}/change/"
    response = contributor.post(url, edit(tactic, tactic_form, _transition="send_to_review"))
    assert response.status_code == 302
    tactic.refresh_from_db()
    assert tactic.status == Status.IN_REVIEW


def test_contributor_cannot_publish_return_or_retire(contributor, tactic_form):
    in_review = make_tactic(status=Status.IN_REVIEW)
    published = make_tactic(status=Status.PUBLISHED)
    changelist = contributor.get("/admin/kb/tactic/").text
    assert 'value="send_to_review"' in changelist
    for action in ("publish", "retire"):
        assert f'value="{action}"' not in changelist
    assert act(contributor, "publish", in_review).status == Status.IN_REVIEW
    assert act(contributor, "retire", published).status == Status.PUBLISHED

    url = f"/admin/kb/tactic/{in_review.pk}/change/"
    response = contributor.post(url, edit(in_review, tactic_form, _transition="publish"))
    assert response.status_code == 403
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW


def test_contributor_sees_entries_in_review_read_only(contributor, tactic_form):
    in_review = make_tactic("Lantern", status=Status.IN_REVIEW)
    url = f"/admin/kb/tactic/{in_review.pk}/change/"
    page = contributor.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    response = contributor.post(url, edit(in_review, tactic_form, name="Defaced"))
    assert response.status_code == 403
    in_review.refresh_from_db()
    assert in_review.name == "Lantern"


def test_contributor_proposes_a_change_to_a_public_entry_without_changing_it(
    contributor, tactic_form, reader
):
    published = make_tactic("Lantern", status=Status.PUBLISHED)
    url = f"/admin/kb/tactic/{published.pk}/change/"
    response = contributor.post(url, edit(published, tactic_form, name="Lantern, corrected"))
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.name == "Lantern"
    assert "Lantern, corrected" not in reader.get(published.get_absolute_url()).text
    revision = Revision.objects.get(tactic=published)
    assert revision.proposed["fields"]["name_en"] == "Lantern, corrected"
    assert revision.author.username == "contributors"
    # The contributor cannot publish it.
    assert (
        contributor.post(
            f"/admin/kb/tactic/{published.pk}/revision/", {"_transition": "publish_revision"}
        ).status_code
        == 403
    )


def test_contributor_restores_an_old_version_of_a_public_entry_only_as_a_proposal(
    contributor, tactic_form
):
    tactic = make_tactic("Lantern", status=Status.PUBLISHED)
    old = tactic.history.earliest()
    tactic.name = "Lantern, revised"
    tactic.save()
    url = f"/admin/kb/tactic/{tactic.pk}/history/{old.history_id}/"
    response = contributor.post(url, edit(tactic, tactic_form, name="Lantern"))
    assert response.status_code == 302
    tactic.refresh_from_db()
    assert tactic.name == "Lantern, revised"
    assert Revision.objects.get(tactic=tactic).proposed["fields"]["name_en"] == "Lantern"


def test_reviewer_requests_changes_publishes_and_retires(reviewer, tactic_form):
    tactic = complete(make_tactic(status=Status.IN_REVIEW))
    url = f"/admin/kb/tactic/{tactic.pk}/change/"
    form = edit(tactic, tactic_form, _transition="return_to_draft")
    form["stages"] = list(tactic.stages.values_list("pk", flat=True))
    # Sending back needs a comment, which the form asks for.
    response = reviewer.post(url, form)
    assert response.status_code == 200
    assert "needs a comment" in response.text
    response = reviewer.post(url, {**form, "review_comment": "Add the source's date."})
    assert response.status_code == 302
    tactic.refresh_from_db()
    assert tactic.status == Status.DRAFT
    assert tactic.review_comments.get().text == "Add the source's date."
    tactic.status = Status.IN_REVIEW
    tactic.save()
    assert act(reviewer, "publish", tactic).status == Status.PUBLISHED
    assert tactic.versions.count() == 1
    assert act(reviewer, "retire", tactic).status == Status.RETIRED


def test_reviewer_edits_a_published_entry_through_a_revision(reviewer, tactic_form, reader):
    published = complete(make_tactic("Lantern", status=Status.PUBLISHED))
    url = f"/admin/kb/tactic/{published.pk}/change/"
    form = edit(published, tactic_form, name="Lantern, corrected")
    form["stages"] = list(published.stages.values_list("pk", flat=True))
    response = reviewer.post(url, form)
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.name == "Lantern"
    publish_pending_revision(reviewer, published)
    published.refresh_from_db()
    assert published.name == "Lantern, corrected"
    assert published.status == Status.PUBLISHED
    assert "Lantern, corrected" in reader.get(published.get_absolute_url()).text


def test_restoring_an_old_version_restores_its_text_not_its_status(reviewer, tactic_form):
    tactic = complete(make_tactic("Lantern", status=Status.DRAFT))
    draft_version = tactic.history.latest()
    tactic.status, tactic.name = Status.PUBLISHED, "Lantern, published"
    tactic.save()
    url = f"/admin/kb/tactic/{tactic.pk}/history/{draft_version.history_id}/"
    form = edit(tactic, tactic_form, name="Lantern")
    form["stages"] = list(tactic.stages.values_list("pk", flat=True))
    response = reviewer.post(url, form)
    assert response.status_code == 302
    publish_pending_revision(reviewer, tactic)
    tactic.refresh_from_db()
    assert tactic.name == "Lantern"
    assert tactic.status == Status.PUBLISHED


def test_history_shows_who_changed_what(reviewer, tactic_form):
    draft = make_tactic("Lantern", status=Status.DRAFT)
    url = f"/admin/kb/tactic/{draft.pk}/change/"
    reviewer.post(url, edit(draft, tactic_form, name="Lantern, corrected"))
    history = reviewer.get(f"/admin/kb/tactic/{draft.pk}/history/").text
    assert "reviewers" in history  # the user who made the change
    assert "Lantern, corrected" in history  # the new value, in the list of changes


@pytest.mark.parametrize(
    "url", ["/admin/auth/user/", "/admin/auth/group/", "/admin/auth/user/add/"]
)
def test_only_superusers_manage_users(contributor, reviewer, admin_client, url):
    assert contributor.get(url).status_code == 403
    assert reviewer.get(url).status_code == 403
    assert admin_client.get(url).status_code == 200
