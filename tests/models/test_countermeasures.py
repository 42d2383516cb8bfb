"""A tactic's countermeasures grouped by who can act (kb.models.countermeasures.by_who_acts):
what NGO staff, families and individuals can do first, then platforms and financial
institutions, then law enforcement."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kb.models import Actor, ActorGroup, Status, Tactic, by_who_acts

from ..factories import make_countermeasure, make_tactic

pytestmark = pytest.mark.django_db


def actor(name: str, group: str) -> Actor:
    return Actor.objects.create(name=name, slug=name.lower().replace(" ", "-"), group=group)


def grouped(tactic: Tactic) -> dict[str, list[str]]:
    page = Tactic.objects.for_page().get(pk=tactic.pk)
    return {
        who.group: [m.countermeasure.name for m in who.mitigations]
        for who in page.countermeasures_by_who_acts()
    }


def test_groups_come_in_the_order_readers_in_the_field_need_them():
    assert [who.group for who in by_who_acts([])] == [
        ActorGroup.PEOPLE,
        ActorGroup.COMPANIES,
        ActorGroup.LAW_ENFORCEMENT,
        ActorGroup.OTHERS,
    ]


def test_each_countermeasure_is_listed_under_the_group_of_each_of_its_actors():
    tactic = make_tactic()
    ngos, platforms = actor("NGOs", ActorGroup.PEOPLE), actor("Platforms", ActorGroup.COMPANIES)
    police = actor("Police", ActorGroup.LAW_ENFORCEMENT)
    make_countermeasure("Awareness partnerships", counters=[tactic], actors=[ngos, platforms])
    make_countermeasure("Monitoring", counters=[tactic], actors=[police])
    make_countermeasure("Unattributed", counters=[tactic])
    assert grouped(tactic) == {
        ActorGroup.PEOPLE: ["Awareness partnerships"],
        ActorGroup.COMPANIES: ["Awareness partnerships"],
        ActorGroup.LAW_ENFORCEMENT: ["Monitoring"],
        ActorGroup.OTHERS: ["Unattributed"],
    }


def test_drafts_are_never_grouped():
    tactic = make_tactic()
    ngos = actor("NGOs", ActorGroup.PEOPLE)
    make_countermeasure("Not yet", status=Status.DRAFT, counters=[tactic], actors=[ngos])
    assert grouped(tactic)[ActorGroup.PEOPLE] == []


def test_the_three_main_groups_are_shown_even_when_empty_and_say_so():
    groups = {who.group: who for who in by_who_acts([])}
    for group in (ActorGroup.PEOPLE, ActorGroup.COMPANIES, ActorGroup.LAW_ENFORCEMENT):
        assert groups[group].shown and groups[group].nothing_recorded and groups[group].heading
    assert not groups[ActorGroup.OTHERS].shown


def test_grouping_a_loaded_tactic_costs_no_query():
    tactic = make_tactic()
    police = actor("Police", ActorGroup.LAW_ENFORCEMENT)
    for _ in range(3):
        make_countermeasure(counters=[tactic], actors=[police])
    page = Tactic.objects.for_page().get(pk=tactic.pk)
    with CaptureQueriesContext(connection) as queries:
        page.countermeasures_by_who_acts()
    assert len(queries) == 0


def test_a_new_actor_is_among_others_until_an_admin_chooses_its_group():
    assert Actor.objects.create(name="Researchers", slug="researchers").group == ActorGroup.OTHERS
