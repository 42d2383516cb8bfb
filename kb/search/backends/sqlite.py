"""SQLite: an external-content FTS5 table over the documents (kept by triggers), bm25()
ranking with column weights, highlight() and snippet(); a trigram FTS5 table for spelling."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from functools import reduce

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Func,
    QuerySet,
    TextField,
    Value,
    When,
)

from ..query import Clause, Query, Term
from ..text import MARK_END, MARK_START
from .base import QS, MarkedDocument, SearchBackend

# Column order of kb_searchdocument_fts (migration 0012).
TITLE, SUMMARY, KEYWORDS, INDICATORS, BODY = 0, 1, 2, 3, 4


def _term(term: Term) -> str:
    # An FTS5 string: words are letters and digits only (see text.words), so the reader's
    # input can never become FTS5 syntax.
    return '"' + " ".join(term.words) + '"'


def clause_match_text(clause: Clause) -> str:
    """One clause (any of its terms) as an FTS5 expression."""
    return "(" + " OR ".join(_term(t) for t in clause.terms) + ")"


def to_match_text(query: Query, *, relaxed: bool) -> str:
    """Translate the parsed query into an FTS5 MATCH expression."""
    clauses = [clause_match_text(clause) for clause in query.clauses]
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


class MatchesIn(Func):
    """Whether a document's FTS5 row matches an FTS5 expression (``Value``), looked up by
    the document's id: ``EXISTS (... MATCH <expression> AND rowid = <document>)``."""

    conditional = True
    output_field = BooleanField()

    def as_sql(self, compiler, connection, *args, **extra):
        document, expression = (compiler.compile(e) for e in self.get_source_expressions())
        sql = (
            "EXISTS (SELECT 1 FROM kb_searchdocument_fts AS fts"
            f" WHERE fts.kb_searchdocument_fts MATCH {expression[0]} AND fts.rowid = {document[0]})"
        )
        return sql, (*expression[1], *document[1])


class SQLiteBackend(SearchBackend):
    # The parts of a document, as FTS5 column filters.
    PARTS = (
        ("{title}", SearchBackend.TITLE),
        ("{summary keywords}", SearchBackend.SUMMARY),
        ("{indicators}", SearchBackend.INDICATORS),
        ("{body}", SearchBackend.BODY),
    )

    def filter(
        self, queryset: QS, query: Query, *, relaxed: bool, path: str, weights: Sequence[float]
    ) -> QS:
        index, document = f"{path}index_row__index", F(f"{path}pk")
        covered = [
            Case(
                *(
                    When(
                        MatchesIn(document, Value(f"{columns} : {clause_match_text(clause)}")),
                        then=Value(weight * worth),
                    )
                    for columns, worth in self.PARTS
                ),
                default=Value(0.0),
                output_field=FloatField(),
            )
            for clause, weight in zip(query.clauses, weights, strict=True)
        ]
        # bm25 weighs terms per column: title, summary, keywords, indicators, body.
        bm25_weights = (self.TITLE, self.SUMMARY, self.SUMMARY, self.INDICATORS, self.BODY)
        score = Bm25(F(index), *(10 * weight for weight in bm25_weights))
        # Where every clause matches, every row covers the whole query: the engine's own
        # weighted rank orders them.
        rank = reduce(operator.add, covered) if relaxed else score
        return queryset.filter(
            **{f"{index}__match": to_match_text(query, relaxed=relaxed)}
        ).annotate(search_rank=rank, search_score=score)

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

        def excerpt(column: int) -> Func:
            return Func(
                index,
                Value(column),
                Value(MARK_START),
                Value(MARK_END),
                Value(" … "),
                Value(30),
                function="snippet",
                output_field=TextField(),
            )

        rows = (
            documents.filter(index_row__index__match=to_match_text(query, relaxed=relaxed))
            .annotate(
                marked_title=highlight(TITLE),
                marked_summary=highlight(SUMMARY),
                marked_indicators=excerpt(INDICATORS),
                marked_body=excerpt(BODY),
            )
            .values_list(key, "marked_title", "marked_summary", "marked_indicators", "marked_body")
        )
        return {pk: MarkedDocument(*texts) for pk, *texts in rows}

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
