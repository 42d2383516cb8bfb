"""The one interface both search engines implement."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import QuerySet

from ..languages import ENGLISH
from ..query import Query

QS = TypeVar("QS", bound=QuerySet)


@dataclass(frozen=True)
class MarkedDocument:
    """A document's text with matched words wrapped in the highlight markers. The excerpts
    of the indicators and the body may be left empty when an earlier part already shows a
    match: the first part that does is what a result shows (see kb.search.highlight)."""

    title: str
    summary: str
    indicators_snippet: str
    body_snippet: str


class SearchBackend(ABC):
    """Full-text search on one database engine, in one language's documents.

    ``path`` is how a queryset reaches its search document: ``""`` for SearchDocument
    itself, ``"search_document__"`` for tactics, countermeasures and sources (their
    document in the language searched: kb.search.in_language). The rows given are already
    those of the language's documents.
    """

    def __init__(self, language: str = ENGLISH) -> None:
        self.language = language

    @property
    def configuration(self) -> str:
        """What a document in this language records as its PostgreSQL text search
        configuration (nothing on other databases)."""
        return ""

    #: What matching one of the query's words is worth in each part of a document: where it
    #: is says how much the entry is about it. A name counts most, then a summary (and the
    #: keywords: ID and vocabulary names), a tactic's red flags, and last its description
    #: and quotes, where a word may be a passing mention.
    TITLE, SUMMARY, INDICATORS, BODY = 1.0, 0.6, 0.5, 0.25

    @abstractmethod
    def filter(
        self, queryset: QS, query: Query, *, relaxed: bool, path: str, weights: Sequence[float]
    ) -> QS:
        """Rows matching ``query`` (every clause, or any clause when ``relaxed``), annotated
        with ``search_score``, the engine's own relevance (where the words are, and how
        often), and ``search_rank``, what orders them. Where every clause must match, that
        is the engine's relevance. Relaxed, it is how much of the query a row covers and
        where: the sum, over the clauses it matches, of the clause's weight (``weights``,
        one per clause: rarer words weigh more) times what the best part it matches in is
        worth."""

    @abstractmethod
    def marked(
        self, documents: QuerySet, query: Query, *, relaxed: bool, key: str = "pk"
    ) -> dict[int, MarkedDocument]:
        """Highlighted title and summary, and excerpts of the indicators and body, of each of
        ``documents`` (only the rows shown on a page), by the value of their field ``key``."""

    @abstractmethod
    def unmatched_words(self, words: list[str]) -> list[str]:
        """Those of ``words`` that no document in the language contains in any form (after
        stemming)."""

    @abstractmethod
    def similar_words(self, word: str, limit: int = 20) -> list[tuple[str, int]]:
        """The language's vocabulary words that look like ``word`` (by trigrams), with
        document counts."""
