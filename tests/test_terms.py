"""A tactic's terms from its four vocabularies, read in one query (kb/models/terms.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kb.models import Platform, Stage, Tactic, TargetGroup, Technology
from kb.models import terms as terms_module

from .conftest import make_tactic, make_term

pytestmark = pytest.mark.django_db


def ordered(model: type, *names_and_positions: tuple[str, int]) -> list:
    return [
        model.objects.create(name=name, slug=name.lower(), position=position)
        for name, position in names_and_positions
    ]


def test_terms_are_each_vocabularys_in_its_own_order():
    late, early, same_b, same_a = ordered(
        Stage, ("Exploitation", 3), ("Recruitment", 1), ("Transport B", 2), ("Transport A", 2)
    )
    technology, platform, group = make_term(Technology), make_term(Platform), make_term(TargetGroup)
    tactic = make_tactic(
        stages=[late, same_b, early, same_a],
        technologies=[technology],
        platforms=[platform],
        target_groups=[group],
    )
    terms = Tactic.objects.get(pk=tactic.pk).terms
    assert terms.stages == [early, same_a, same_b, late] == list(tactic.stages.all())
    assert terms.technologies == [technology]
    assert terms.platforms == [platform]
    assert terms.target_groups == [group]
    assert [s.name for s in terms.stages] == [
        "Recruitment",
        "Transport A",
        "Transport B",
        "Exploitation",
    ]


def test_a_tactic_without_terms_has_empty_lists():
    terms = make_tactic().terms
    assert terms.stages == terms.technologies == terms.platforms == terms.target_groups == []


def test_terms_of_one_tactic_are_not_another_tactics():
    first, second = make_term(Stage), make_term(Stage)
    make_tactic(stages=[first])
    tactic = make_tactic(stages=[second])
    assert Tactic.objects.get(pk=tactic.pk).terms.stages == [second]


def test_the_terms_of_many_tactics_are_one_query():
    stage, technology = make_term(Stage), make_term(Technology)
    for _ in range(5):
        make_tactic(stages=[stage], technologies=[technology])
    with CaptureQueriesContext(connection) as queries:
        tactics = list(Tactic.objects.prefetch_related("terms"))
        assert all(
            t.terms.stages == [stage] and t.terms.technologies == [technology] for t in tactics
        )
    assert len(queries) == 2  # the tactics, then all their terms


def test_terms_are_read_in_batches_when_there_are_many_tactics(monkeypatch):
    monkeypatch.setattr(terms_module, "BATCH", 2)
    stages = [make_term(Stage) for _ in range(5)]
    tactics = {make_tactic(stages=[stage]).pk: stage for stage in stages}
    loaded = Tactic.objects.filter(pk__in=tactics).prefetch_related("terms")
    assert {t.pk: t.terms.stages for t in loaded} == {pk: [s] for pk, s in tactics.items()}
