"""Help organisations in the admin (kb.curation.admin.get_help): contributors draft them,
only reviewers publish, and nothing reaches the "Get help" page before a reviewer has."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from kb.models import Actor, ActorGroup, HelpOrganisation, Status

from ..factories import make_help_organisation, make_source

pytestmark = pytest.mark.django_db


def new_organisation_form(source) -> dict:
    return {
        "name_en": "Helpline for workers",
        "what_they_do_en": "Answers questions about job offers.",
        "how_to_reach_en": "",
        "website": "",
        "phone": "",
        "email": "",
        "country": "KE",
        "region_en": "",
        "languages": "en sw",
        "source": source.pk,
        "quote": "A quote.",
        "source_url": "",
        "checked_on": "",
    }


def act(client: Client, action: str, organisation: HelpOrganisation) -> HelpOrganisation:
    client.post(
        "/admin/kb/helporganisation/", {"action": action, "_selected_action": [organisation.pk]}
    )
    organisation.refresh_from_db()
    return organisation


def test_a_contributors_entry_is_public_only_once_a_reviewer_publishes_it(
    contributor, reviewer, reader
):
    response = contributor.post(
        "/admin/kb/helporganisation/add/", new_organisation_form(make_source())
    )
    assert response.status_code == 302
    organisation = HelpOrganisation.objects.get(name_en="Helpline for workers")
    assert organisation.status == Status.DRAFT
    assert "Helpline for workers" not in reader.get("/help/").text

    assert act(contributor, "send_to_review", organisation).status == Status.IN_REVIEW
    assert act(contributor, "publish", organisation).status == Status.IN_REVIEW  # not theirs
    assert "Helpline for workers" not in reader.get("/help/?country=KE").text

    assert act(reviewer, "publish", organisation).status == Status.PUBLISHED
    assert "Helpline for workers" in reader.get("/help/?country=KE").text


def test_history_keeps_every_step(contributor, reviewer):
    contributor.post("/admin/kb/helporganisation/add/", new_organisation_form(make_source()))
    organisation = HelpOrganisation.objects.get()
    act(contributor, "send_to_review", organisation)
    act(reviewer, "publish", organisation)
    reasons = list(
        organisation.history.order_by("history_date").values_list(
            "history_change_reason", flat=True
        )
    )
    assert reasons == ["Created", "Send to review", "Publish"]
    assert reviewer.get(f"/admin/kb/helporganisation/{organisation.pk}/history/").status_code == 200


def test_publishing_without_a_source_is_refused_with_the_reason(reviewer):
    organisation = make_help_organisation(status=Status.IN_REVIEW, source=None, quote="")
    response = reviewer.post(
        "/admin/kb/helporganisation/",
        {"action": "publish", "_selected_action": [organisation.pk]},
        follow=True,
    )
    organisation.refresh_from_db()
    assert organisation.status == Status.IN_REVIEW
    assert "where its details come from" in response.text


def test_contributors_cannot_change_an_entry_in_review_or_published(contributor):
    for status in (Status.IN_REVIEW, Status.PUBLISHED):
        organisation = make_help_organisation(status=status)
        url = f"/admin/kb/helporganisation/{organisation.pk}/change/"
        form = new_organisation_form(organisation.source) | {"name_en": "Changed"}
        contributor.post(url, form)
        organisation.refresh_from_db()
        assert organisation.name_en != "Changed"


def test_status_is_never_a_field_of_the_form(reviewer):
    organisation = make_help_organisation(status=Status.DRAFT)
    url = f"/admin/kb/helporganisation/{organisation.pk}/change/"
    form = new_organisation_form(organisation.source) | {"status": Status.PUBLISHED}
    assert reviewer.post(url, form).status_code == 302
    organisation.refresh_from_db()
    assert organisation.status == Status.DRAFT


def test_the_roles_have_the_permissions_of_entries():
    contributors = set(
        Group.objects.get(name="Contributors").permissions.values_list("codename", flat=True)
    )
    reviewers = set(
        Group.objects.get(name="Reviewers").permissions.values_list("codename", flat=True)
    )
    assert {"add_helporganisation", "change_helporganisation"} <= contributors
    assert "review_helporganisation" not in contributors
    assert {"review_helporganisation", "delete_helporganisation"} <= reviewers


def test_reviewers_choose_who_can_act_for_an_actor(reviewer):
    actor = Actor.objects.create(name="Researchers", slug="researchers")
    form = {
        "name_en": "Researchers",
        "slug": "researchers",
        "description_en": "",
        "group": ActorGroup.PEOPLE,
        "position": 0,
    }
    assert reviewer.post(f"/admin/kb/actor/{actor.pk}/change/", form).status_code == 302
    actor.refresh_from_db()
    assert actor.group == ActorGroup.PEOPLE
