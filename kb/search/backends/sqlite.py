"""SQLite: external-content FTS5 tables over the documents (kept by triggers), bm25()
ranking with column weights, highlight() and snippet(); a trigram FTS5 table for spelling.

English documents are in ``kb_searchdocument_fts``, with English (Porter) stemming; every
other language's in ``kb_searchdocument_fts_unstemmed``, without stemming (migration 0019).
There a reader's word is searched in the forms it may take (kb.search.languages:
``sqlite_forms``): the beginning its plural and gender endings leave ("ofertas" is
``ofert*``), and in Arabic that beginning with the particles written joined to it; a phrase
is its words side by side in those forms (``NEAR(..., 0)``), or as typed."""

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

from ..languages import (
    ARABIC_JOINED,
    ENGLISH,
    SHORTEST_ARABIC_STEM,
    light_stem,
    sqlite_forms,
    uses_english_stemming,
)
from ..query import Clause, Query, Term
from ..text import MARK_END, MARK_START
from .base import QS, MarkedDocument, SearchBackend

# Column order of both documents' FTS5 tables (migrations 0012 and 0019).
TITLE, SUMMARY, KEYWORDS, INDICATORS, BODY = 0, 1, 2, 3, 4
STEMMED_INDEX, UNSTEMMED_INDEX = "kb_searchdocument_fts", "kb_searchdocument_fts_unstemmed"


def _string(words: tuple[str, ...] | list[str]) -> str:
    # An FTS5 string: words are letters and digits only (see text.words), so the reader's
    # input can never become FTS5 syntax.
    return '"' + " ".join(words) + '"'


def _prefix(word: str) -> str:
    return _string([word]) + "*"


def _word_forms(word: str, language: str) -> str:
    """A word on the unstemmed index: as typed, or any of its forms."""
    forms = sqlite_forms(word, language)
    alternatives = [_string([word]), *(_prefix(p) for p in forms.prefixes)]
    return alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"


def _near(words: list[str]) -> str:
    return "NEAR(" + " ".join(words) + ", 0)"


def _beginning(word: str, language: str) -> str:
    """How a word of a phrase is looked for side by side with the others: the beginning
    its endings leave, as a prefix, or the word itself when that would be too short."""
    forms = sqlite_forms(word, language)
    return _prefix(forms.prefixes[0]) if forms.prefixes else _string([word])


def _phrase_forms(words: tuple[str, ...], language: str) -> str:
    """A phrase on the unstemmed index: as typed, or its words' forms side by side (in
    either order: NEAR knows no order). In Arabic, the words of a phrase share the
    article ("العملات الرقمية", "عملات رقمية"), and its first word may carry a particle."""
    alternatives = [_string(words)]
    if language == "ar":
        stems = [light_stem(word, language) for word in words]

        def piece(joined: str, stem: str) -> str:
            # A stem too short to be a beginning of its own is looked for as it is.
            if len(stem) < SHORTEST_ARABIC_STEM:
                return _string([joined + stem])
            return _prefix(joined + stem)

        for particle in ARABIC_JOINED:
            # After the article (or a particle joined to it) the other words take it too.
            article = "ال" if "ال" in particle or particle == "لل" else ""
            first = piece(particle, stems[0])
            alternatives.append(_near([first, *(piece(article, s) for s in stems[1:])]))
    else:
        beginnings = [_beginning(word, language) for word in words]
        if any(b.endswith("*") for b in beginnings):
            alternatives.append(_near(beginnings))
    return "(" + " OR ".join(dict.fromkeys(alternatives)) + ")"


def _term(term: Term, language: str = ENGLISH) -> str:
    if uses_english_stemming(language):
        return _string(term.words)  # the index stems as PostgreSQL's english does
    if term.is_phrase:
        return _phrase_forms(term.words, language)
    return _word_forms(term.words[0], language)


def clause_match_text(clause: Clause, language: str = ENGLISH) -> str:
    """One clause (any of its terms) as an FTS5 expression."""
    return "(" + " OR ".join(_term(t, language) for t in clause.terms) + ")"


def to_match_text(query: Query, *, relaxed: bool, language: str = ENGLISH) -> str:
    """Translate the parsed query into an FTS5 MATCH expression."""
    clauses = [clause_match_text(clause, language) for clause in query.clauses]
    text = (" OR " if relaxed else " AND ").join(clauses)
    if query.excluded:
        excluded = " OR ".join(_term(t, language) for t in query.excluded)
        text = f"({text}) NOT ({excluded})"
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
    """Whether a document's FTS5 row in ``index`` matches an FTS5 expression (``Value``),
    looked up by the document's id: ``EXISTS (... MATCH <expression> AND rowid = <id>)``."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, document, expression, *, index: str) -> None:
        super().__init__(document, expression)
        self.index = index

    def as_sql(self, compiler, connection, *args, **extra):
        document, expression = (compiler.compile(e) for e in self.get_source_expressions())
        sql = (
            f"EXISTS (SELECT 1 FROM {self.index} AS fts"
            f" WHERE fts.{self.index} MATCH {expression[0]} AND fts.rowid = {document[0]})"
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

    def __init__(self, language: str = ENGLISH) -> None:
        super().__init__(language)
        stemmed = uses_english_stemming(language)
        #: The FTS5 table of the language's documents, and how a document reaches its row.
        self.index = STEMMED_INDEX if stemmed else UNSTEMMED_INDEX
        self.row = "index_row" if stemmed else "unstemmed_index_row"

    def _match_text(self, query: Query, *, relaxed: bool) -> str:
        return to_match_text(query, relaxed=relaxed, language=self.language)

    def filter(
        self, queryset: QS, query: Query, *, relaxed: bool, path: str, weights: Sequence[float]
    ) -> QS:
        index, document = f"{path}{self.row}__index", F(f"{path}pk")
        covered = [
            Case(
                *(
                    When(
                        MatchesIn(
                            document,
                            Value(f"{columns} : {clause_match_text(clause, self.language)}"),
                            index=self.index,
                        ),
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
            **{f"{index}__match": self._match_text(query, relaxed=relaxed)}
        ).annotate(search_rank=rank, search_score=score)

    def marked(
        self, documents: QuerySet, query: Query, *, relaxed: bool, key: str = "pk"
    ) -> dict[int, MarkedDocument]:
        index = F(f"{self.row}__index")

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
            documents.filter(
                **{f"{self.row}__index__match": self._match_text(query, relaxed=relaxed)}
            )
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
                    f"SELECT 1 FROM {self.index} AS fts"
                    " JOIN kb_searchdocument AS document ON document.id = fts.rowid"
                    f" WHERE fts.{self.index} MATCH %s AND document.language = %s LIMIT 1",
                    [_term(Term((word,)), self.language), self.language],
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
                   WHERE kb_searchword_trigram MATCH %s AND w.language = %s
                   ORDER BY bm25(kb_searchword_trigram), w.document_count DESC
                   LIMIT %s""",
                [" OR ".join(f'"{t}"' for t in sorted(trigrams)), self.language, limit],
            )
            return cursor.fetchall()
