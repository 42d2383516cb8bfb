"""kb.facets: counts from member sets kept per content version, equal to counting in SQL,
never stale after a change."""

import random

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from kb.facets import bitset
from kb.filters import TacticFilter
from kb.models import Actor, Category, Stage, Status, Tactic, Technology

from .conftest import count_queries, make_countermeasure, make_tactic, make_term

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


@pytest.fixture
def varied_tactics() -> dict[str, list]:
    """Forty tactics of every status with random terms, and countermeasures by actors."""
    rng = random.Random(5)
    stages = [make_term(Stage) for _ in range(4)]
    technologies = [make_term(Technology) for _ in range(5)]
    categories = [make_term(Category) for _ in range(3)]
    actors = [make_term(Actor) for _ in range(3)]
    statuses = [Status.PUBLISHED] * 4 + [Status.DRAFT, Status.RETIRED]
    tactics = [
        make_tactic(
            status=rng.choice(statuses),
            category=rng.choice(categories),
            stages=rng.sample(stages, rng.randint(0, 3)),
            technologies=rng.sample(technologies, rng.randint(0, 2)),
        )
        for _ in range(40)
    ]
    for _ in range(10):
        make_countermeasure(
            status=rng.choice(statuses),
            actors=rng.sample(actors, rng.randint(1, 2)),
            counters=rng.sample(tactics, rng.randint(1, 4)),
        )
    return {"stage": stages, "technology": technologies, "category": categories, "actor": actors}


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
    # for the list's population (every published tactic).
    assert first - again == 13

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


def filtered_in_sql(query: QueryDict) -> TacticFilter:
    """The same filters answered by the database: a search that matches every tactic
    takes the facets off their in-memory path."""
    query = query.copy()
    query["q"] = "-nothingmatchesthisword"
    return TacticFilter(query, queryset=Tactic.objects.published())


@pytest.mark.parametrize(
    "choices",
    [
        {"stage": [0]},
        {"stage": [0, 1], "technology": [2]},
        {"category": [1], "actor": [0]},
        {"stage": [3], "technology": [0, 1], "category": [0, 2], "actor": [1, 2]},
    ],
)
def test_filtering_by_facets_alone_agrees_with_the_database(varied_tactics, choices):
    query = QueryDict(mutable=True)
    for name, picked in choices.items():
        query.setlist(name, [varied_tactics[name][n].slug for n in picked])
    in_memory = TacticFilter(query, queryset=Tactic.objects.published())
    in_sql = filtered_in_sql(query)
    assert in_sql.known_count() is None  # it really is the database's answer

    assert in_memory.known_count() == in_sql.qs.count() == in_memory.qs.count()
    assert list(in_memory.qs) == list(in_sql.qs)
    counts = {f.name: [(o.value, o.count) for o in f.options] for f in in_memory.facet_counts()}
    assert counts == {
        f.name: [(o.value, o.count) for o in f.options] for f in in_sql.facet_counts()
    }


def test_a_list_filtered_by_facets_alone_does_not_count_its_rows_in_sql(reader, varied_tactics):
    stage, technology = varied_tactics["stage"][0], varied_tactics["technology"][0]
    url = f"/tactics/?stage={stage.slug}&technology={technology.slug}"
    reader.get(url)  # builds the sets
    with CaptureQueriesContext(connection) as captured:
        response = reader.get(url + "&fresh=1")
    expected = Tactic.objects.published().filter(stages=stage).filter(technologies=technology)
    assert response.context["page_obj"].paginator.count == expected.count()
    assert not [q["sql"] for q in captured if "COUNT(" in q["sql"].upper()]
