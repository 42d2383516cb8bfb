"""No public page issues a query per row: the count is the same with few and many rows."""

import pytest

from kb.models import Actor

from .conftest import cite, count_queries, make_countermeasure, make_source, make_tactic, make_term

pytestmark = pytest.mark.django_db


def grow(rows: int) -> dict:
    """Build ``rows`` of everything around one tactic, countermeasure and source."""
    actor = make_term(Actor)
    tactic = make_tactic()
    countermeasure = make_countermeasure(actors=[actor], counters=[tactic])
    source = make_source()
    for n in range(rows):
        other = make_tactic()
        make_countermeasure(actors=[actor, make_term(Actor)], counters=[other, tactic])
        cite(other, source, f"Quote {n}")
        cite(countermeasure, make_source(), f"Evidence {n}")
        countermeasure.mitigations.create(tactic=make_tactic())
    return {"tactic": tactic, "countermeasure": countermeasure, "source": source}


@pytest.mark.parametrize(
    "page",
    ["/", "/tactics/", "/countermeasures/", "/sources/", "tactic", "countermeasure", "source"],
)
def test_query_count_does_not_grow_with_rows(reader, page):
    few = grow(1)
    url_few = page if page.startswith("/") else few[page].get_absolute_url()
    baseline = count_queries(reader, url_few)
    many = grow(12)
    url_many = page if page.startswith("/") else many[page].get_absolute_url()
    assert count_queries(reader, url_many) == baseline
