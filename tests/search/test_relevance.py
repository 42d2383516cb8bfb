"""Search relevance on the seed content: realistic queries (keywords, misspellings,
synonyms, phrases, exclusions, IDs, and situations described in field staff's own words),
each with the entry that must come first or in the top 3. The mean reciprocal rank is
reported in pytest's summary and must stay at 0.9 or above, with every query within its
rank; the share of queries whose first result is the same on PostgreSQL and SQLite is
reported too, and must stay at 95% or above.

Runs on whichever database the suite runs on (.ci/run runs it on SQLite and PostgreSQL),
and asks the other kind of database for its first results, in another process.
"""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from kb import lists
from kb.settings import BASE_DIR

from ..databases import empty_database, other_vendor
from ..environment import environment
from ..measurements import report

QUERIES = Path(__file__).parent / "relevance" / "queries.csv"
MINIMUM_MRR = 0.9
MINIMUM_AGREEMENT = 0.95
DEPTH = 10


def relevance_cases() -> list[tuple[str, str, int, str]]:
    with QUERIES.open(encoding="utf-8") as handle:
        rows = [row for row in csv.reader(handle) if row and not row[0].startswith("#")]
    return [(query, expected, int(within), why) for query, expected, within, why in rows]


def ranked_ids(query: str) -> list[str]:
    """Public IDs in the order the site search shows them, as a reader would see them."""
    return [document.entry.public_id for document in lists.DOCUMENTS.run({"q": query}).rows[:DEPTH]]


def first_results() -> dict[str, str | None]:
    """Every relevance query's first result on this database."""
    return {query: next(iter(ranked_ids(query)), None) for query, *_ in relevance_cases()}


def first_results_elsewhere(folder: Path) -> tuple[str, dict[str, str | None]]:
    """The other kind of database's first results, from a new database of its own."""
    vendor = other_vendor()
    with empty_database(vendor, folder) as url:
        finished = subprocess.run(
            [sys.executable, "-m", "tests.search.relevance.first_results"],
            env=environment({"DEBUG": "1", "DATABASE_URL": url}),
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert finished.returncode == 0, finished.stderr
    return vendor, json.loads(finished.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_search_relevance_on_the_seed_content(request, tmp_path):
    call_command("seed", verbosity=0)
    cases = relevance_cases()
    assert len(cases) >= 100

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

    here = first_results()
    vendor, elsewhere = first_results_elsewhere(tmp_path)
    agreeing = [query for query in here if here[query] == elsewhere.get(query)]
    agreement = len(agreeing) / len(here)
    report(
        request.config,
        f"search relevance on {connection.vendor}: mean reciprocal rank {mrr:.3f} "
        f"over {len(cases)} queries, {len(cases) - len(misses)} within their expected rank; "
        f"the first result is the same on {vendor} for {len(agreeing)} of {len(here)} "
        f"({agreement:.1%})",
    )
    assert not misses, "\n".join(misses)
    assert mrr >= MINIMUM_MRR
    differing = [
        f"{q!r}: {here[q]} here, {elsewhere.get(q)} on {vendor}" for q in here if q not in agreeing
    ]
    assert agreement >= MINIMUM_AGREEMENT, "\n".join(differing)
