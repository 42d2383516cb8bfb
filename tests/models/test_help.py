"""Help organisations (kb.models.help): where their details come from, the workflow steps
they take, and what a reader filtering by country and language is given."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from kb.models import HelpOrganisation, Status, WorkflowError
from kb.models.help import language_codes

from ..factories import make_help_organisation, make_source

pytestmark = pytest.mark.django_db


def test_publishing_needs_a_published_source_with_a_quote_or_a_checked_web_address():
    organisation = make_help_organisation(status=Status.IN_REVIEW, source=None, quote="")
    with pytest.raises(WorkflowError):
        organisation.apply("publish")
    assert organisation.status == Status.IN_REVIEW

    organisation.source, organisation.quote = make_source(status=Status.DRAFT), "They help."
    with pytest.raises(WorkflowError, match="not published"):
        organisation.apply("publish")

    organisation.source = make_source()
    organisation.apply("publish")
    assert organisation.status == Status.PUBLISHED and organisation.published_at is not None


def test_a_web_address_counts_as_a_source_only_with_the_date_it_was_checked():
    organisation = make_help_organisation(
        status=Status.IN_REVIEW, source=None, quote="", source_url="https://example.org/help"
    )
    assert organisation.source_problems()
    organisation.checked_on = datetime.date(2026, 12, 1)
    assert organisation.source_problems() == []


def test_steps_follow_the_workflow_of_entries():
    organisation = make_help_organisation(status=Status.DRAFT)
    with pytest.raises(WorkflowError):
        organisation.apply("publish")  # publishing always passes through review
    organisation.apply("send_to_review")
    assert organisation.status == Status.IN_REVIEW


def test_unknown_language_codes_are_refused():
    organisation = make_help_organisation(languages="en xx")
    with pytest.raises(ValidationError) as refused:
        organisation.full_clean()
    assert "languages" in refused.value.message_dict


def test_language_codes_are_read_in_any_spacing_once_each():
    assert language_codes("en, ES  ar en") == ["en", "es", "ar"]


def test_a_quote_needs_its_source():
    organisation = make_help_organisation(source=None, quote="Words.")
    with pytest.raises(ValidationError) as refused:
        organisation.full_clean()
    assert "source" in refused.value.message_dict


def test_serving_a_country_includes_those_that_serve_every_country():
    here = make_help_organisation(country="US")
    everywhere = make_help_organisation(country="")
    make_help_organisation(country="FR")
    assert set(HelpOrganisation.objects.serving("US")) == {here, everywhere}


def test_contact_details_are_recorded_only_when_given():
    assert not make_help_organisation().has_contact
    assert make_help_organisation(phone="+1 000").has_contact


def test_contributors_edit_drafts_only(django_user_model):
    from django.contrib.auth.models import Group

    contributor = django_user_model.objects.create_user("c", is_staff=True)
    contributor.groups.add(Group.objects.get(name="Contributors"))
    assert make_help_organisation(status=Status.DRAFT).editable_by(contributor)
    for status in (Status.IN_REVIEW, Status.PUBLISHED):
        assert not make_help_organisation(status=status).editable_by(contributor)
