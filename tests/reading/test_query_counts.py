"""Every public page and API endpoint has a query budget, and its count does not grow with
the rows it shows or the rows stored: the same page is measured with few and with many."""

import pytest

from kb.models import Actor, Category, Stage, Status, record_version

from ..factories import (
    cite,
    make_countermeasure,
    make_help_organisation,
    make_source,
    make_tactic,
    make_term,
)
from ..queries import count_queries

pytestmark = pytest.mark.django_db

# Queries to render each page on a cache miss (the page cache's own lookup aside), on the
# first request after a change: the lists then also rebuild what they keep per content
# version (each facet's member sets, two queries per vocabulary facet and one per
# fixed-choice facet, and the list's rows in the chosen order; see kb.lists), which later
# requests reuse until the next change. A page named by kind ("tactic") is that entry's
# page; {tactic} etc. stand for its ID.
BUDGETS = {
    "/": 7,
    "/tactics/": 16,
    "/tactics/?stage=lure&category=recruitment&sort=updated&page=1": 18,
    "/tactics/?q=quote": 18,
    "tactic": 11,
    "/tactics/{tactic}/changes/": 3,
    "/tactics/{tactic}/v1/": 13,
    "/countermeasures/": 7,
    "countermeasure": 5,
    "/sources/": 4,
    "source": 3,
    "/search/?q=quote": 6,
    "/whats-new/": 1,
    "/handout/?ids={tactic}": 10,
    "/matrix/": 8,
    "/help/": 1,
    "/about/": 0,
    "/embed/{tactic}/": 10,
    # oEmbed answers with the card itself (its html), so it reads what the card reads.
    "/oembed?url=http://testserver/tactics/{tactic}/": 10,
    "/feeds/tactics/": 1,
    "/feeds/tactics/recruitment/": 2,
    "/sitemap.xml": 6,
    "/sitemap-tactics.xml": 2,
    # The files are built outside any request; serving one reads nothing but the content
    # version (tests/downloads/test_views.py).
    "/downloads/": 0,
    "/api/tactics/": 3,
    "/api/tactics/?q=quote&stage=lure": 9,
    "/api/tactics/{tactic}/": 10,
    "/api/countermeasures/": 3,
    "/api/countermeasures/{countermeasure}/": 4,
    "/api/sources/": 2,
    "/api/sources/{source}/": 2,
    "/api/stages/": 2,
    "/api/search/?q=quote": 5,
}


def grow(rows: int) -> dict:
    """``rows`` of everything around one tactic, countermeasure and source."""
    actor = make_term(Actor)
    category = Category.objects.get_or_create(slug="recruitment", defaults={"name": "Recruitment"})[
        0
    ]
    stage = Stage.objects.get_or_create(slug="lure", defaults={"name": "Lure"})[0]
    tactic = make_tactic(category=category, stages=[stage])
    countermeasure = make_countermeasure(actors=[actor], counters=[tactic])
    source = make_source()
    cite(tactic, source, "A quote")
    for n in range(rows):
        other = make_tactic(category=category, stages=[stage])
        tactic.related_tactics.add(other)
        tactic.indicators.create(text=f"Sign {n}")
        make_countermeasure(actors=[actor, make_term(Actor)], counters=[other, tactic])
        cite(other, source, f"Quote {n}")
        cite(tactic, make_source(), f"Quote about it {n}")
        cite(countermeasure, make_source(), f"Evidence {n}")
        countermeasure.mitigations.create(tactic=make_tactic(category=category))
        make_help_organisation(status=Status.PUBLISHED, source=source, quote="A quote")
    record_version(tactic, "First published")
    return {"tactic": tactic, "countermeasure": countermeasure, "source": source}


def url_of(page: str, entries: dict) -> str:
    if page in entries:
        return entries[page].get_absolute_url()
    return page.format(**{kind: entry.public_id for kind, entry in entries.items()})


@pytest.mark.parametrize("page", BUDGETS)
def test_page_keeps_its_query_budget_with_few_and_many_rows(reader, page):
    few = count_queries(reader, url_of(page, grow(1)))
    many = count_queries(reader, url_of(page, grow(15)))
    assert few == many, f"{page}: {few} queries with few rows, {many} with many"
    assert many <= BUDGETS[page], f"{page}: {many} queries, budget {BUDGETS[page]}"
