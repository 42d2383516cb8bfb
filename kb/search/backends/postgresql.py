"""PostgreSQL: a weighted tsvector per document (kept by a trigger, GIN-indexed), queried
with to_tsquery, ranked with ts_rank, highlighted with ts_headline; pg_trgm for spelling.
Phrases are narrowed first through the index of adjacent word pairs (migration 0006)."""

from __future__ import annotations

import json

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
    TrigramSimilarity,
)
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    F,
    Func,
    Lookup,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)

from ..query import Query, Term
from ..text import MARK_END, MARK_START
from .base import QS, MarkedDocument, SearchBackend

CONFIG = "kb_english"


def _term(term: Term) -> str:
    # Words are letters and digits only (see text.words), so quoting cannot be escaped.
    return "(" + " <-> ".join(f"'{word}'" for word in term.words) + ")"


def to_tsquery_text(query: Query, *, relaxed: bool) -> str:
    """Translate the parsed query into to_tsquery syntax."""
    clauses = ["(" + " | ".join(_term(t) for t in clause.terms) + ")" for clause in query.clauses]
    text = (" | " if relaxed else " & ").join(clauses)
    if query.excluded:
        text = f"({text}) & !(" + " | ".join(_term(t) for t in query.excluded) + ")"
    return text


def highlight_tsquery_text(query: Query) -> str:
    """Every word the query looks for, as alternatives: what highlighting marks.

    ts_headline re-parses each text against the query, and with phrase alternatives (which
    synonyms add) that took 50 ms for one page of snippets; single words take 5 ms. Words
    of a phrase are then marked wherever they occur, which still shows why a row matched.
    """
    found = dict.fromkeys(
        word for clause in query.clauses for term in clause.terms for word in term.words
    )
    return " | ".join(f"'{word}'" for word in found)


def phrase_clauses(query: Query, *, relaxed: bool) -> list[list[str]]:
    """The clauses adjacent word pairs can narrow: those made of phrases only (a single
    word could satisfy any other). Relaxed, any clause may be the one that matches, so
    narrowing needs every clause to be made of phrases."""
    narrowable = [
        [" ".join(term.words) for term in clause.terms]
        for clause in query.clauses
        if all(term.is_phrase for term in clause.terms)
    ]
    if relaxed and len(narrowable) < len(query.clauses):
        return []
    return narrowable


@SearchVectorField.register_lookup
class AdjacentPairs(Lookup):
    """``search_vector__adjacent_pairs=(clauses, any_clause)``: documents whose
    ``phrase_vector`` (same row) holds the adjacent word pairs of the phrases in
    ``clauses`` (see ``phrase_clauses`` and migration 0006)."""

    lookup_name = "adjacent_pairs"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        quote = compiler.quote_name_unless_alias
        column = f"{quote(self.lhs.alias)}.{quote('phrase_vector')}"
        clauses, any_clause = self.rhs
        # A sub-select, computed once: a plain call would be re-run for every row the
        # exact phrase match re-checks.
        return (
            f"{column} @@ (SELECT kb_phrase_filter(%s::regconfig, %s::jsonb, %s))",
            [CONFIG, json.dumps(clauses), any_clause],
        )


class PostgreSQLBackend(SearchBackend):
    def _search_query(self, query: Query, relaxed: bool) -> SearchQuery:
        return SearchQuery(
            to_tsquery_text(query, relaxed=relaxed), search_type="raw", config=CONFIG
        )

    def filter(self, queryset: QS, query: Query, *, relaxed: bool, path: str) -> QS:
        search_query = self._search_query(query, relaxed)
        weights = [0.1, self.BODY_WEIGHT, self.SUMMARY_WEIGHT, self.TITLE_WEIGHT]  # D, C, B, A
        vector = F(f"{path}search_vector")
        if narrowing := phrase_clauses(query, relaxed=relaxed):
            # The pairs' index narrows; the exact match then only re-checks what is left.
            # It is written as a function call so that the planner does not also scan the
            # vectors' index for it (10,000 entries for a common phrase, 15 ms) to AND in.
            matching = Q(**{f"{path}search_vector__adjacent_pairs": (narrowing, relaxed)}) & Q(
                Func(vector, search_query, function="ts_match_vq", output_field=BooleanField())
            )
        else:
            matching = Q(**{f"{path}search_vector": search_query})
        return queryset.filter(matching).annotate(
            search_rank=SearchRank(vector, search_query, weights=weights)
        )

    def marked(
        self, documents: QuerySet, query: Query, *, relaxed: bool, key: str = "pk"
    ) -> dict[int, MarkedDocument]:
        search_query = SearchQuery(highlight_tsquery_text(query), search_type="raw", config=CONFIG)

        def marked(column: str, **options) -> SearchHeadline:
            return SearchHeadline(
                column, search_query, config=CONFIG, start_sel=MARK_START, stop_sel=MARK_END,
                **options,
            )  # fmt: skip

        body_snippet = marked(
            "body", max_words=30, min_words=12, max_fragments=2, fragment_delimiter=" … "
        )
        summary_matches = Func(
            SearchVector("summary", config=CONFIG),
            search_query,
            function="ts_match_vq",
            output_field=BooleanField(),
        )
        rows = documents.annotate(
            marked_title=marked("title", highlight_all=True),
            marked_summary=marked("summary", highlight_all=True),
            # Parsing the bodies is most of the cost (7 ms for a page of 20); a summary that
            # shows the match is what the result shows anyway.
            marked_body=Case(
                When(summary_matches, then=Value("")),
                default=body_snippet,
                output_field=TextField(),
            ),
        ).values_list(key, "marked_title", "marked_summary", "marked_body")
        return {pk: MarkedDocument(title, summary, body) for pk, title, summary, body in rows}

    def unmatched_words(self, words: list[str]) -> list[str]:
        if not words:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT w FROM unnest(%s::text[]) AS w
                   WHERE NOT EXISTS (
                     SELECT 1 FROM kb_searchdocument d
                     WHERE d.search_vector @@ plainto_tsquery(%s::regconfig, w))""",
                [words, CONFIG],
            )
            return [row[0] for row in cursor.fetchall()]

    def similar_words(self, word: str, limit: int = 20) -> list[tuple[str, int]]:
        from kb.models import SearchWord

        return list(
            SearchWord.objects.filter(word__trigram_similar=word)
            .annotate(similarity=TrigramSimilarity("word", word))
            .order_by("-similarity", "-document_count")
            .values_list("word", "document_count")[:limit]
        )
