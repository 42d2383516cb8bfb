"""kb.lists.listing: a list filtered by facets alone is counted and paged from the facets' sets
and a kept sort order, with the same rows, in the same order, as the database gives."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from kb.lists.filters import TacticFilter
from kb.lists.listing import FacetedRows
from kb.models import Tactic

from .conftest import make_tactic

pytestmark = pytest.mark.django_db

CHOICES = [
    {},
    {"stage": [0]},
    {"stage": [0, 1], "technology": [2]},
    {"category": [1], "actor": [0]},
    {"stage": [3], "technology": [0, 1], "category": [0, 2], "actor": [1, 2]},
]


def query_for(terms: dict, choices: dict, sort: str) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, picked in choices.items():
        query.setlist(name, [terms[name][n].slug for n in picked])
    query["sort"] = sort
    return query


def in_sql(query: QueryDict) -> TacticFilter:
    """The same filters answered by the database: a search that matches every tactic takes
    the list off its in-memory path."""
    query = query.copy()
    query["q"] = "-nothingmatchesthisword"
    return TacticFilter(query, queryset=Tactic.objects.published())


@pytest.mark.parametrize("sort", ["name", "updated", "id"])
@pytest.mark.parametrize("choices", CHOICES)
def test_rows_and_counts_agree_with_the_database(varied_tactics, choices, sort):
    query = query_for(varied_tactics, choices, sort)
    in_memory = TacticFilter(query, queryset=Tactic.objects.published())
    answered_by_sql = in_sql(query)
    rows, sql_rows = in_memory.rows(), answered_by_sql.rows()
    assert isinstance(rows, FacetedRows) and not isinstance(sql_rows, FacetedRows)

    assert rows.count() == sql_rows.count() == in_memory.qs.count()
    everything = list(sql_rows)
    assert rows[0 : len(everything) + 5] == everything
    assert rows[3:7] == everything[3:7]
    facets = {f.name: [(o.value, o.count) for o in f.options] for f in in_memory.facet_counts()}
    expected = answered_by_sql.facet_counts()
    assert facets == {f.name: [(o.value, o.count) for o in f.options] for f in expected}


def test_drafts_and_retired_tactics_never_enter_the_rows(varied_tactics):
    stage = varied_tactics["stage"][0]
    hidden = Tactic.objects.exclude(status="published").filter(stages=stage)
    assert hidden.exists()
    rows = TacticFilter(QueryDict(f"stage={stage.slug}"), queryset=Tactic.objects.published())
    shown = {tactic.pk for tactic in rows.rows()[0:100]}
    assert shown and not shown & set(hidden.values_list("pk", flat=True))


def test_a_list_filtered_by_facets_alone_is_paged_without_counting_in_sql(reader, varied_tactics):
    stage, technology = varied_tactics["stage"][0], varied_tactics["technology"][0]
    url = f"/tactics/?stage={stage.slug}&technology={technology.slug}"
    reader.get(url)  # builds the sets
    with CaptureQueriesContext(connection) as captured:
        response = reader.get(url + "&fresh=1")
    expected = Tactic.objects.published().filter(stages=stage).filter(technologies=technology)
    assert response.context["page_obj"].paginator.count == expected.count()
    assert response.context["entries"] == list(expected.order_by("name", "pk"))
    assert not [q["sql"] for q in captured if "COUNT(" in q["sql"].upper()]


def test_pages_follow_each_other_without_gaps_or_repeats(reader, settings):
    settings.KB_PAGE_SIZE = 3
    made = [make_tactic(f"Tactic {n:02}") for n in range(8)]
    seen = []
    for page in (1, 2, 3):
        seen += reader.get(f"/tactics/?page={page}").context["entries"]
    assert seen == made


def test_a_tactic_published_later_is_listed_at_once(reader):
    make_tactic("Alpha")
    reader.get("/tactics/")
    make_tactic("Beta")
    entries = reader.get("/tactics/?fresh=1").context["entries"]
    assert [t.name for t in entries] == ["Alpha", "Beta"]


def test_rows_are_read_a_page_at_a_time(varied_tactics):
    rows = TacticFilter(QueryDict(""), queryset=Tactic.objects.published()).rows()
    with pytest.raises(TypeError):
        rows[2]
