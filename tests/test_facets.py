"""kb.lists.facets: counts from member sets kept per content version, equal to counting in SQL,
never stale after a change."""

import pytest
from django.db.models import Count, Q
from django.http import QueryDict

from kb.lists.facets import bitset
from kb.lists.filters import TacticFilter
from kb.models import Actor, Category, Stage, Status, Tactic, Technology

from .conftest import count_queries, make_tactic, make_term

pytestmark = pytest.mark.django_db


def test_bitset_holds_exactly_the_ids():
    ids = [0, 7, 8, 63, 64, 1000]
    members = bitset(ids)
    assert members.bit_count() == len(ids)
    assert [pk for pk in range(1001) if members >> pk & 1] == ids
    assert bitset([]) == 0


def facet_counts(query: str = "") -> dict[str, dict[str, int]]:
    filterset = TacticFilter(QueryDict(query), queryset=Tactic.objects.published())
    assert filterset.is_valid()
    return {f.name: {o.value: o.count for o in f.options} for f in filterset.facet_counts()}


def counted_in_sql(vocabulary: type, relation: str, matching, condition=None) -> dict[str, int]:
    counted = Q(**{f"{relation}__in": matching}) & (condition or Q())
    return dict(
        vocabulary.objects.annotate(n=Count(relation, filter=counted, distinct=True))
        .order_by()
        .values_list("slug", "n")
    )


def test_counts_equal_counting_in_the_database(varied_tactics):
    stages = varied_tactics["stage"]
    published = Tactic.objects.published()
    counts = facet_counts()
    assert counts["stage"] == counted_in_sql(Stage, "tactics", published)
    assert counts["technology"] == counted_in_sql(Technology, "tactics", published)
    assert counts["category"] == counted_in_sql(Category, "tactics", published)
    assert counts["actor"] == counted_in_sql(
        Actor,
        "countermeasures__mitigations__tactic",
        published,
        Q(countermeasures__status=Status.PUBLISHED),
    )

    stage = stages[0]
    narrowed = facet_counts(f"stage={stage.slug}")
    in_stage = published.filter(stages=stage)
    assert narrowed["technology"] == counted_in_sql(Technology, "tactics", in_stage)
    # A facet's own choice does not narrow its counts.
    assert narrowed["stage"] == counts["stage"]


def test_member_sets_are_reused_until_the_content_changes(reader):
    stage = make_term(Stage, "Control")
    make_tactic("One", stages=[stage])
    first = count_queries(reader, "/tactics/?nocache=1")
    again = count_queries(reader, "/tactics/?nocache=2")
    # Five vocabulary facets and the actor facet: two queries each to rebuild; one more
    # each for the list's population (every published tactic) and its order (kb.lists.listing).
    assert first - again == 14

    make_tactic("Two", stages=[stage])
    assert count_queries(reader, "/tactics/?nocache=3") == first
    response = reader.get("/tactics/?nocache=4")
    stage_facet = next(f for f in response.context["facets"] if f.name == "stage")
    assert {o.value: o.count for o in stage_facet.options} == {"control": 2}


def test_a_term_linked_after_the_sets_were_built_is_counted(reader):
    stage = make_term(Stage, "Control")
    tactic = make_tactic("One")
    reader.get("/tactics/")
    tactic.stages.add(stage)
    response = reader.get("/tactics/?fresh=1")
    stage_facet = next(f for f in response.context["facets"] if f.name == "stage")
    assert {o.value: o.count for o in stage_facet.options} == {"control": 1}


def test_a_relaxed_search_is_relaxed_for_every_facet_too():
    category = make_term(Category, "Control")
    make_tactic("Fake jobs", category=category)
    # No tactic has "abroad": the search relaxes, and the category facet (the first, whose
    # own choice is left out of its counts) must count under the relaxed search as well.
    counts = facet_counts(f"q=fake+jobs+abroad&category={category.slug}")
    assert counts["category"] == {"control": 1}
