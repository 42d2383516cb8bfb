"""PostgreSQL: a weighted tsvector per document (kept by a trigger, GIN-indexed), queried
with to_tsquery, ranked with ts_rank, highlighted with ts_headline; pg_trgm for spelling.
Phrases are narrowed first through the index of adjacent word pairs (migration 0006).

Each language's documents are read with its text search configuration (kb.search.languages:
``kb_spanish`` for Spanish...), the same one the trigger built their vectors with: the
document records it (``search_configuration``), and a search uses its language's."""

from __future__ import annotations

import json
import operator
from collections.abc import Sequence
from functools import reduce

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
    TrigramSimilarity,
)
from django.db import connection, connections
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Func,
    Lookup,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)

from ..languages import ENGLISH, KB_PREFIX, postgresql_configuration
from ..query import Clause, Query, Term
from ..text import MARK_END, MARK_START
from .base import QS, MarkedDocument, SearchBackend

_configurations: dict[str, frozenset[str]] = {}


def available_configurations(alias: str = "default") -> frozenset[str]:
    """kb's text search configurations in the database (``kb_english``, ``kb_spanish``...:
    migration 0019 made one for each of PostgreSQL's), read once per process."""
    found = _configurations.get(alias)
    if not found:
        with connections[alias].cursor() as cursor:
            cursor.execute(
                "SELECT cfgname FROM pg_ts_config WHERE starts_with(cfgname, %s)", [KB_PREFIX]
            )
            found = frozenset(name for (name,) in cursor.fetchall())
        if found:
            _configurations[alias] = found
    return found


def _term(term: Term, weights: str = "") -> str:
    # Words are letters and digits only (see text.words), so quoting cannot be escaped.
    # ``weights`` restricts a word to the parts of a document with those weights (A: title;
    # B: summary and keywords; C: indicators; D: body).
    label = f":{weights}" if weights else ""
    return "(" + " <-> ".join(f"'{word}'{label}" for word in term.words) + ")"


def clause_tsquery_text(clause: Clause, weights: str = "") -> str:
    """One clause (any of its terms) in to_tsquery syntax, in the parts ``weights`` names."""
    return "(" + " | ".join(_term(t, weights) for t in clause.terms) + ")"


def to_tsquery_text(query: Query, *, relaxed: bool) -> str:
    """Translate the parsed query into to_tsquery syntax."""
    clauses = [clause_tsquery_text(clause) for clause in query.clauses]
    text = (" | " if relaxed else " & ").join(clauses)
    if query.excluded:
        text = f"({text}) & !(" + " | ".join(_term(t) for t in query.excluded) + ")"
    return text


def highlight_tsquery_text(query: Query) -> str:
    """Every word the query looks for, as alternatives: what highlighting marks.

    ts_headline re-parses each text against the query, and with phrase alternatives (which
    synonyms add) that took ten times as long for a page of snippets as single words. Words
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
    ``clauses`` read with ``configuration`` (see ``phrase_clauses`` and migration 0006):
    ``search_vector__adjacent_pairs=(clauses, any_clause, configuration)``."""

    lookup_name = "adjacent_pairs"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        quote = compiler.quote_name_unless_alias
        column = f"{quote(self.lhs.alias)}.{quote('phrase_vector')}"
        clauses, any_clause, configuration = self.rhs
        # A sub-select, computed once: a plain call would be re-run for every row the
        # exact phrase match re-checks.
        return (
            f"{column} @@ (SELECT kb_phrase_filter(%s::regconfig, %s::jsonb, %s))",
            [configuration, json.dumps(clauses), any_clause],
        )


class PostgreSQLBackend(SearchBackend):
    # The parts of a document, by the weight the vector gives each (migration 0012).
    PARTS = (("A", SearchBackend.TITLE), ("B", SearchBackend.SUMMARY),
             ("C", SearchBackend.INDICATORS), ("D", SearchBackend.BODY))  # fmt: skip

    def __init__(self, language: str = ENGLISH) -> None:
        super().__init__(language)
        self._configuration = postgresql_configuration(language, available_configurations())

    @property
    def configuration(self) -> str:
        return self._configuration

    def _search_query(self, text: str) -> SearchQuery:
        return SearchQuery(text, search_type="raw", config=self.configuration)

    def filter(
        self, queryset: QS, query: Query, *, relaxed: bool, path: str, weights: Sequence[float]
    ) -> QS:
        search_query = self._search_query(to_tsquery_text(query, relaxed=relaxed))
        vector = F(f"{path}search_vector")
        if narrowing := phrase_clauses(query, relaxed=relaxed):
            # The pairs' index narrows; the exact match then only re-checks what is left.
            # It is written as a function call so that the planner does not also scan the
            # vectors' index for it (every entry holding a common word) to AND in.
            pairs = (narrowing, relaxed, self.configuration)
            matching = Q(**{f"{path}search_vector__adjacent_pairs": pairs}) & Q(
                Func(vector, search_query, function="ts_match_vq", output_field=BooleanField())
            )
        else:
            matching = Q(**{f"{path}search_vector": search_query})
        lookup = f"{path}search_vector"
        covered = [
            Case(
                *(
                    When(
                        Q(**{lookup: self._search_query(clause_tsquery_text(clause, part))}),
                        then=Value(weight * worth),
                    )
                    for part, worth in self.PARTS
                ),
                default=Value(0.0),
                output_field=FloatField(),
            )
            for clause, weight in zip(query.clauses, weights, strict=True)
        ]
        rank_weights = [worth for _, worth in reversed(self.PARTS)]  # D, C, B, A
        score = SearchRank(vector, search_query, weights=rank_weights)
        # Where every clause matches, every row covers the whole query: the engine's own
        # weighted rank orders them, at half the cost of weighing each clause.
        rank = reduce(operator.add, covered) if relaxed else score
        return queryset.filter(matching).annotate(search_rank=rank, search_score=score)

    def marked(
        self, documents: QuerySet, query: Query, *, relaxed: bool, key: str = "pk"
    ) -> dict[int, MarkedDocument]:
        configuration = self.configuration
        search_query = self._search_query(highlight_tsquery_text(query))

        def marked(column: str, **options) -> SearchHeadline:
            return SearchHeadline(
                column, search_query, config=configuration, start_sel=MARK_START,
                stop_sel=MARK_END, **options,
            )  # fmt: skip

        excerpt = {"max_words": 30, "min_words": 12, "max_fragments": 2}

        def shows_a_match(column: str) -> Func:
            return Func(
                SearchVector(column, config=configuration),
                search_query,
                function="ts_match_vq",
                output_field=BooleanField(),
            )

        rows = documents.annotate(
            marked_title=marked("title", highlight_all=True),
            marked_summary=marked("summary", highlight_all=True),
            # Parsing the bodies is most of the cost of a page of snippets; a summary or a
            # red flag that shows the match is what the result shows anyway.
            marked_indicators=Case(
                When(shows_a_match("summary"), then=Value("")),
                default=marked("indicators", fragment_delimiter=" … ", **excerpt),
                output_field=TextField(),
            ),
            marked_body=Case(
                When(shows_a_match("summary") | shows_a_match("indicators"), then=Value("")),
                default=marked("body", fragment_delimiter=" … ", **excerpt),
                output_field=TextField(),
            ),
        ).values_list(key, "marked_title", "marked_summary", "marked_indicators", "marked_body")
        return {pk: MarkedDocument(*texts) for pk, *texts in rows}

    def unmatched_words(self, words: list[str]) -> list[str]:
        if not words:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT w FROM unnest(%s::text[]) AS w
                   WHERE NOT EXISTS (
                     SELECT 1 FROM kb_searchdocument d
                     WHERE d.language = %s
                       AND d.search_vector @@ plainto_tsquery(%s::regconfig, w))""",
                [words, self.language, self.configuration],
            )
            return [row[0] for row in cursor.fetchall()]

    def similar_words(self, word: str, limit: int = 20) -> list[tuple[str, int]]:
        from kb.models import SearchWord

        return list(
            SearchWord.objects.filter(language=self.language, word__trigram_similar=word)
            .annotate(similarity=TrigramSimilarity("word", word))
            .order_by("-similarity", "-document_count")
            .values_list("word", "document_count")[:limit]
        )
