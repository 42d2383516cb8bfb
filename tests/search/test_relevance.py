"""Search relevance on the seed content: realistic queries (misspellings, synonyms, phrases,
exclusions...), each with the entry that must come first or in the top 3. The mean
reciprocal rank is reported in pytest's summary and must stay at 0.9 or above.

Runs on whichever database the suite runs on; .ci/run runs it on SQLite and PostgreSQL.
"""

import csv
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from kb import lists

from ..measurements import report

QUERIES = Path(__file__).parent / "relevance" / "queries.csv"
MINIMUM_MRR = 0.9
DEPTH = 10


def relevance_cases() -> list[tuple[str, str, int, str]]:
    with QUERIES.open(encoding="utf-8") as handle:
        rows = [row for row in csv.reader(handle) if row and not row[0].startswith("#")]
    return [(query, expected, int(within), why) for query, expected, within, why in rows]


def ranked_ids(query: str) -> list[str]:
    """Public IDs in the order the site search shows them, as a reader would see them."""
    return [document.entry.public_id for document in lists.DOCUMENTS.run({"q": query}).rows[:DEPTH]]


@pytest.mark.django_db
def test_search_relevance_on_the_seed_content(request):
    call_command("seed", verbosity=0)
    cases = relevance_cases()
    assert len(cases) >= 40

    reciprocal_ranks, misses = [], []
    for query, expected, within, why in cases:
        ranked = ranked_ids(query)
        rank = ranked.index(expected) + 1 if expected in ranked else None
        reciprocal_ranks.append(1 / rank if rank else 0.0)
        if rank is None or rank > within:
            misses.append(
                f"{query!r} ({why}): {expected} at {rank}, want <= {within}; {ranked[:3]}"
            )

    mrr = sum(reciprocal_ranks) / len(reciprocal_ranks)
    report(
        request.config,
        f"search relevance on {connection.vendor}: mean reciprocal rank {mrr:.3f} "
        f"over {len(cases)} queries, {len(cases) - len(misses)} within their expected rank",
    )
    assert not misses, "\n".join(misses)
    assert mrr >= MINIMUM_MRR
