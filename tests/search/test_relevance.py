"""Search relevance on the seed content, in every language kb is read in: realistic queries
(keywords, misspellings, synonyms, phrases, exclusions, IDs, and situations described in
field staff's own words), each with the entry that must come first or in the top 3. The
English queries are in relevance/queries.csv, each other language's in
relevance/queries.<language>.csv, searched on that language's pages (its documents:
translations, and English where an entry is not translated). Each language's mean
reciprocal rank is reported in pytest's summary and must stay at 0.9 or above, with every
query within its rank; the share of queries whose first result is the same on PostgreSQL
and SQLite is reported too, and must stay at 95% or above in each language (though in
languages other than English PostgreSQL stems words and SQLite looks for their beginnings:
kb.search.languages).

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
from django.utils import translation

from kb import lists
from kb.settings import BASE_DIR

from ..databases import empty_database, other_vendor
from ..environment import environment
from ..measurements import report

RELEVANCE = Path(__file__).parent / "relevance"
LANGUAGES = ("en", "es", "fr", "ar")
MINIMUM_MRR = 0.9
MINIMUM_QUERIES = {"en": 100, "es": 20, "fr": 20, "ar": 20}
MINIMUM_AGREEMENT = 0.95
DEPTH = 10


def queries_file(language: str) -> Path:
    return RELEVANCE / ("queries.csv" if language == "en" else f"queries.{language}.csv")


def relevance_cases(language: str = "en") -> list[tuple[str, str, int, str]]:
    with queries_file(language).open(encoding="utf-8") as handle:
        rows = [row for row in csv.reader(handle) if row and not row[0].startswith("#")]
    return [(query, expected, int(within), why) for query, expected, within, why in rows]


def ranked_ids(query: str, language: str = "en") -> list[str]:
    """Public IDs in the order the site search in ``language`` shows them, as a reader of
    that language would see them."""
    with translation.override(language):
        found = lists.DOCUMENTS.run({"q": query}).rows[:DEPTH]
        return [document.entry.public_id for document in found]


def first_results() -> dict[str, dict[str, str | None]]:
    """Every relevance query's first result on this database, by language."""
    return {
        language: {
            query: next(iter(ranked_ids(query, language)), None)
            for query, *_ in relevance_cases(language)
        }
        for language in LANGUAGES
    }


def first_results_elsewhere(folder: Path) -> tuple[str, dict[str, dict[str, str | None]]]:
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


def mean_reciprocal_rank(language: str) -> tuple[float, list[str], int]:
    """The mean reciprocal rank of ``language``'s queries, the queries that missed their
    rank, and how many queries there are."""
    cases = relevance_cases(language)
    reciprocal_ranks, misses = [], []
    for query, expected, within, why in cases:
        ranked = ranked_ids(query, language)
        rank = ranked.index(expected) + 1 if expected in ranked else None
        reciprocal_ranks.append(1 / rank if rank else 0.0)
        if rank is None or rank > within:
            misses.append(
                f"[{language}] {query!r} ({why}): {expected} at {rank}, want <= {within}; "
                f"{ranked[:3]}"
            )
    return sum(reciprocal_ranks) / len(reciprocal_ranks), misses, len(cases)


@pytest.mark.django_db
def test_search_relevance_on_the_seed_content(request, tmp_path):
    call_command("seed", verbosity=0)
    here = first_results()
    vendor, elsewhere = first_results_elsewhere(tmp_path)

    failures = []
    for language in LANGUAGES:
        mrr, misses, count = mean_reciprocal_rank(language)
        ours, theirs = here[language], elsewhere.get(language, {})
        agreeing = [query for query in ours if ours[query] == theirs.get(query)]
        agreement = len(agreeing) / len(ours)
        report(
            request.config,
            f"search relevance in {language} on {connection.vendor}: mean reciprocal rank "
            f"{mrr:.3f} over {count} queries, {count - len(misses)} within their expected "
            f"rank; the first result is the same on {vendor} for {len(agreeing)} of "
            f"{len(ours)} ({agreement:.1%})",
        )
        if count < MINIMUM_QUERIES[language]:
            failures.append(f"[{language}] only {count} queries")
        failures += misses
        if mrr < MINIMUM_MRR:
            failures.append(f"[{language}] mean reciprocal rank {mrr:.3f} < {MINIMUM_MRR}")
        if agreement < MINIMUM_AGREEMENT:
            failures += [
                f"[{language}] {q!r}: {ours[q]} here, {theirs.get(q)} on {vendor}"
                for q in ours
                if q not in agreeing
            ]
    assert not failures, "\n".join(failures)
