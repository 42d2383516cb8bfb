"""kb.lists: the one list engine. Its rows, order, counts and facet counts are what the
database itself answers for the same filters, on every page, for every order; the HTML
lists and the API lists show the same rows in the same order."""

from __future__ import annotations

import random

import pytest
from django.db.models import Count, Q, QuerySet
from django.http import QueryDict

from kb import lists
from kb.lists.facets import bitset
from kb.models import Actor, Category, Countermeasure, Stage, Status, Tactic, Technology

from ..factories import make_tactic, make_term

pytestmark = pytest.mark.django_db

CHOICES = [
    {},
    {"stage": [0]},
    {"stage": [0, 1], "technology": [2]},
    {"category": [1], "actor": [0]},
    {"stage": [3], "technology": [0, 1], "category": [0, 2], "actor": [1, 2]},
]
ORDERS = {"name": ("name_en", "pk"), "updated": ("-updated_at", "pk")}


def query_for(terms: dict, choices: dict, sort: str) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, picked in choices.items():
        query.setlist(name, [terms[name][n].slug for n in picked])
    query["sort"] = sort
    return query


def in_sql(terms: dict, choices: dict, leave_out: str = "") -> QuerySet:
    """The tactics the database says match ``choices`` (but ``leave_out``)."""
    found = Tactic.objects.published()
    for name, picked in choices.items():
        chosen = [terms[name][n] for n in picked]
        if name == leave_out:
            continue
        if name == "stage":
            found = found.filter(pk__in=Tactic.objects.filter(stages__in=chosen).values("pk"))
        elif name == "technology":
            found = found.filter(pk__in=Tactic.objects.filter(technologies__in=chosen).values("pk"))
        elif name == "category":
            found = found.filter(category__in=chosen)
        elif name == "actor":
            countered = Countermeasure.objects.published().filter(actors__in=chosen)
            found = found.filter(pk__in=countered.values("mitigations__tactic"))
    return found


def counted_in_sql(vocabulary: type, relation: str, matching, condition=None) -> dict[str, int]:
    counted = Q(**{f"{relation}__in": matching}) & (condition or Q())
    return dict(
        vocabulary.objects.annotate(n=Count(relation, filter=counted, distinct=True))
        .order_by()
        .values_list("slug", "n")
    )


@pytest.mark.parametrize("sort", ORDERS)
@pytest.mark.parametrize("choices", CHOICES)
def test_rows_order_and_counts_are_the_databases(varied_tactics, choices, sort):
    result = lists.TACTICS.run(query_for(varied_tactics, choices, sort))
    expected = list(in_sql(varied_tactics, choices).order_by(*ORDERS[sort]))
    assert len(result.rows) == len(expected)
    assert result.rows[0 : len(expected) + 5] == expected
    assert result.rows[3:7] == expected[3:7]

    counts = {f.name: {o.value: o.count for o in f.options} for f in result.facets}
    for name, vocabulary, relation in (
        ("stage", Stage, "tactics"),
        ("technology", Technology, "tactics"),
        ("category", Category, "tactics"),
    ):
        # A facet's own choice does not narrow its counts.
        matching = in_sql(varied_tactics, choices, leave_out=name)
        assert counts[name] == counted_in_sql(vocabulary, relation, matching), name
    assert counts["actor"] == counted_in_sql(
        Actor,
        "countermeasures__mitigations__tactic",
        in_sql(varied_tactics, choices, leave_out="actor"),
        Q(countermeasures__status=Status.PUBLISHED),
    )


def test_drafts_and_retired_tactics_never_enter_the_rows(varied_tactics):
    stage = varied_tactics["stage"][0]
    hidden = Tactic.objects.exclude(status="published").filter(stages=stage)
    assert hidden.exists()
    result = lists.TACTICS.run(QueryDict(f"stage={stage.slug}"))
    shown = {tactic.pk for tactic in result.rows[0:100]}
    assert shown and not shown & set(hidden.values_list("pk", flat=True))


def test_pages_follow_each_other_without_gaps_or_repeats(reader, settings):
    settings.KB_PAGE_SIZE = 3
    made = [make_tactic(f"Tactic {n:02}") for n in range(8)]
    seen = []
    for page in (1, 2, 3):
        seen += reader.get(f"/tactics/?page={page}").context["entries"]
    assert seen == made


def test_what_the_list_keeps_follows_every_change(reader):
    stage = make_term(Stage, "Control")
    first = make_tactic("One", stages=[stage])
    reader.get("/tactics/")
    make_tactic("Two", stages=[stage])
    first.stages.remove(stage)
    response = reader.get("/tactics/")
    assert [t.name for t in response.context["entries"]] == ["One", "Two"]
    stage_facet = next(f for f in response.context["facets"] if f.name == "stage")
    assert {o.value: o.count for o in stage_facet.options} == {"control": 1}


def test_a_relaxed_search_is_relaxed_for_every_facet_too():
    category = make_term(Category, "Control")
    make_tactic("Fake jobs", category=category)
    # No tactic has "abroad": the search relaxes, and the category facet (whose own choice
    # is left out of its counts) counts under the relaxed search as well.
    result = lists.TACTICS.run(QueryDict(f"q=fake+jobs+abroad&category={category.slug}"))
    assert result.search.relaxed
    assert {o.value: o.count for o in result.facet("category").options} == {"control": 1}


def test_rows_are_read_in_order(varied_tactics):
    rows = lists.TACTICS.run(QueryDict("")).rows
    assert rows[2] == rows[0:3][2]
    with pytest.raises(TypeError):
        rows[0:6:2]


def test_bitset_holds_exactly_the_ids():
    ids = [0, 7, 8, 63, 64, 1000]
    members = bitset(ids)
    assert members.bit_count() == len(ids)
    assert [pk for pk in range(1001) if members >> pk & 1] == ids
    assert bitset([]) == 0


# --- the HTML lists and the API lists ----------------------------------------------------


def parameter_combinations(terms: dict, rng: random.Random, count: int) -> list[dict]:
    """Varied query strings: facets, searches, orders and pages, alone and together."""
    words = ["summary", "tactic", "nothingmatchesthis", "summary -tactic", "sumary"]
    combinations = []
    for _ in range(count):
        query: dict = {}
        for name in ("stage", "technology", "category", "actor"):
            if rng.random() < 0.4:
                query[name] = [t.slug for t in rng.sample(terms[name], rng.randint(1, 2))]
        if rng.random() < 0.4:
            query["q"] = rng.choice(words)
        if rng.random() < 0.5:
            query["sort"] = rng.choice(["name", "updated", "id", "relevance"])
        if rng.random() < 0.3:
            query["page"] = str(rng.randint(1, 3))
        combinations.append(query)
    return combinations


def test_html_and_api_lists_show_the_same_rows_in_the_same_order(reader, varied_tactics, settings):
    settings.KB_PAGE_SIZE = 4
    for query in parameter_combinations(varied_tactics, random.Random(16), 60):
        html = reader.get("/tactics/", query)
        page = html.context["page_obj"]
        api_query = {**query, "page": str(page.number), "page_size": "4"}
        api = reader.get("/api/tactics/", api_query).json()
        assert api["count"] == page.paginator.count, query
        assert [r["id"] for r in api["results"]] == [t.public_id for t in page.object_list], query
