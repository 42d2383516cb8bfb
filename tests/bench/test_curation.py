"""python -m bench curation: the curation pages and checks, timed, leaving the data as it was."""

import re

import pytest
from django.core.management import CommandError, call_command

from bench.commands.curation import Command as Curation
from kb.models import PublishedVersion, Revision, Status, Tactic

from ..factories import cite, complete, make_source, make_tactic

pytestmark = pytest.mark.django_db


def test_it_times_each_curation_step_and_changes_nothing(capsys, settings):
    published = complete(make_tactic("Lantern"))
    make_tactic("Draft", status=Status.DRAFT)
    cite(published, make_source())
    before = (Tactic.objects.get(pk=published.pk).summary, PublishedVersion.objects.count())
    call_command(Curation(), "--repeat", "2")
    output = capsys.readouterr().out
    for label in ("save a published tactic as a revision", "publish a revision", "History page"):
        assert re.search(rf"{label}\s.*\d+\.\d\s+\d+\.\d", output), label
    assert (Tactic.objects.get(pk=published.pk).summary, PublishedVersion.objects.count()) == before
    assert not Revision.objects.exists()
    settings.DEBUG = True  # the command turns it off for its own run; pytest-settings restores


def test_it_asks_for_data_when_there_is_none():
    with pytest.raises(CommandError, match="demo_data"):
        call_command(Curation(), "--repeat", "1")
