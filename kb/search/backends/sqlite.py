"""SQLite: an external-content FTS5 table over the documents (kept by triggers), bm25()
ranking with column weights, highlight() and snippet(); a trigram FTS5 table for spelling."""

from __future__ import annotations

from django.db import connection
from django.db.models import F, FloatField, Func, QuerySet, TextField, Value

from ..query import Query, Term
from ..text import MARK_END, MARK_START
from .base import QS, MarkedDocument, SearchBackend

# Column order of kb_searchdocument_fts: title, summary, keywords, body.
TITLE, SUMMARY, BODY = 0, 1, 3


def _term(term: Term) -> str:
    # An FTS5 string: words are letters and digits only (see text.words), so the reader's
    # input can never become FTS5 syntax.
    return '"' + " ".join(term.words) + '"'


def to_match_text(query: Query, *, relaxed: bool) -> str:
    """Translate the parsed query into an FTS5 MATCH expression."""
    clauses = ["(" + " OR ".join(_term(t) for t in clause.terms) + ")" for clause in query.clauses]
    text = (" OR " if relaxed else " AND ").join(clauses)
    if query.excluded:
        text = f"({text}) NOT (" + " OR ".join(_term(t) for t in query.excluded) + ")"
    return text


class Bm25(Func):
    """bm25() of the joined FTS5 row, negated so that higher means more relevant."""

    function = "bm25"
    output_field = FloatField()

    def __init__(self, index, *weights: float) -> None:
        super().__init__(index, *(Value(w) for w in weights))

    def as_sql(self, compiler, connection, *args, **extra):
        sql, params = super().as_sql(compiler, connection, *args, **extra)
        return f"(-{sql})", params


class SQLiteBackend(SearchBackend):
    def filter(self, queryset: QS, query: Query, *, relaxed: bool, path: str) -> QS:
        index = f"{path}index_row__index"
        # bm25 weights are per column: title, summary, keywords, body.
        weights = (
            self.TITLE_WEIGHT * 10,
            self.SUMMARY_WEIGHT * 10,
            self.SUMMARY_WEIGHT * 10,
            self.BODY_WEIGHT * 10,
        )
        return queryset.filter(
            **{f"{index}__match": to_match_text(query, relaxed=relaxed)}
        ).annotate(search_rank=Bm25(F(index), *weights))

    def marked(
        self, documents: QuerySet, query: Query, *, relaxed: bool, key: str = "pk"
    ) -> dict[int, MarkedDocument]:
        index = F("index_row__index")

        def highlight(column: int) -> Func:
            return Func(
                index,
                Value(column),
                Value(MARK_START),
                Value(MARK_END),
                function="highlight",
                output_field=TextField(),
            )

        rows = (
            documents.filter(index_row__index__match=to_match_text(query, relaxed=relaxed))
            .annotate(
                marked_title=highlight(TITLE),
                marked_summary=highlight(SUMMARY),
                marked_body=Func(
                    index,
                    Value(BODY),
                    Value(MARK_START),
                    Value(MARK_END),
                    Value(" … "),
                    Value(30),
                    function="snippet",
                    output_field=TextField(),
                ),
            )
            .values_list(key, "marked_title", "marked_summary", "marked_body")
        )
        return {pk: MarkedDocument(title, summary, body) for pk, title, summary, body in rows}

    def unmatched_words(self, words: list[str]) -> list[str]:
        unmatched = []
        with connection.cursor() as cursor:
            for word in words:
                cursor.execute(
                    "SELECT 1 FROM kb_searchdocument_fts"
                    " WHERE kb_searchdocument_fts MATCH %s LIMIT 1",
                    [f'"{word}"'],
                )
                if cursor.fetchone() is None:
                    unmatched.append(word)
        return unmatched

    def similar_words(self, word: str, limit: int = 20) -> list[tuple[str, int]]:
        trigrams = {word[i : i + 3] for i in range(len(word) - 2)}
        if not trigrams:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT w.word, w.document_count
                   FROM kb_searchword_trigram t JOIN kb_searchword w ON w.id = t.rowid
                   WHERE kb_searchword_trigram MATCH %s
                   ORDER BY bm25(kb_searchword_trigram), w.document_count DESC
                   LIMIT %s""",
                [" OR ".join(f'"{t}"' for t in sorted(trigrams)), limit],
            )
            return cursor.fetchall()
