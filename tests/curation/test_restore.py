"""Restoring an earlier version of an entry brings back its own parts and never changes
another entry's (kb.curation.restore)."""

import pytest

from kb.models import Indicator, Mitigation, Status

from ..factories import make_countermeasure, make_tactic
from .forms import admin_form

pytestmark = pytest.mark.django_db


def restore(admin_client, entry, record):
    url = f"/admin/kb/{entry._meta.model_name}/{entry.pk}/history/{record.history_id}/"
    return admin_client.post(url, admin_form(entry, name=record.name), follow=True)


def test_a_link_moved_to_a_published_tactic_stays_there_when_a_draft_is_restored(
    admin_client, reader
):
    draft = make_tactic("Lantern draft", status=Status.DRAFT)
    published = make_tactic("Beacon")
    countermeasure = make_countermeasure("Phone checks", counters=[draft])
    link = Mitigation.objects.get(tactic=draft)
    earlier = draft.history.latest()
    draft.name = "Lantern draft, revised"
    draft.save()
    link.tactic = published  # an editor moves the link to the tactic it belongs to
    link.save()

    restore(admin_client, draft, earlier)

    link.refresh_from_db()
    assert link.tactic == published and link.countermeasure == countermeasure
    assert "Phone checks" in reader.get(published.get_absolute_url()).text
    assert "Beacon" in reader.get(countermeasure.get_absolute_url()).text
    # The draft gets its own link back, as the pair it was.
    assert list(
        Mitigation.objects.filter(tactic=draft).values_list("countermeasure", flat=True)
    ) == [countermeasure.pk]
    assert Mitigation.objects.count() == 2


def test_a_part_that_belongs_to_another_entry_now_is_left_there_and_reported(admin_client):
    tactic = make_tactic("Lantern")
    other = make_tactic("Beacon")
    sign = Indicator.objects.create(tactic=tactic, text="Phone checked by someone else")
    earlier = tactic.history.latest()
    tactic.name = "Lantern, revised"
    tactic.save()
    sign.tactic = other
    sign.save()

    response = restore(admin_client, tactic, earlier)

    sign.refresh_from_db()
    assert sign.tactic == other and not tactic.indicators.exists()
    assert "it belongs to another tactic now" in response.text
