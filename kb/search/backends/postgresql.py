"""PostgreSQL: a weighted tsvector per document (kept by a trigger, GIN-indexed), queried
with to_tsquery, ranked with ts_rank, highlighted with ts_headline; pg_trgm for spelling."""

from __future__ import annotations

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramSimilarity,
)
from django.db import connection
from django.db.models import F, QuerySet

from ..query import Query, Term
from ..text import MARK_END, MARK_START
from .base import MarkedDocument, SearchBackend

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


class PostgreSQLBackend(SearchBackend):
    def _search_query(self, query: Query, relaxed: bool) -> SearchQuery:
        return SearchQuery(
            to_tsquery_text(query, relaxed=relaxed), search_type="raw", config=CONFIG
        )

    def filter(self, queryset: QuerySet, query: Query, *, relaxed: bool, path: str) -> QuerySet:
        search_query = self._search_query(query, relaxed)
        weights = [0.1, self.BODY_WEIGHT, self.SUMMARY_WEIGHT, self.TITLE_WEIGHT]  # D, C, B, A
        return queryset.filter(**{f"{path}search_vector": search_query}).annotate(
            search_rank=SearchRank(F(f"{path}search_vector"), search_query, weights=weights)
        )

    def marked(
        self, documents: QuerySet, query: Query, *, relaxed: bool, key: str = "pk"
    ) -> dict[int, MarkedDocument]:
        search_query = self._search_query(query, relaxed)
        marks = {"config": CONFIG, "start_sel": MARK_START, "stop_sel": MARK_END}
        rows = documents.annotate(
            marked_title=SearchHeadline("title", search_query, highlight_all=True, **marks),
            marked_summary=SearchHeadline("summary", search_query, highlight_all=True, **marks),
            marked_body=SearchHeadline(
                "body",
                search_query,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
                **marks,
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
