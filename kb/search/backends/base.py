"""The one interface both search engines implement."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import QuerySet

from ..query import Query

QS = TypeVar("QS", bound=QuerySet)


@dataclass(frozen=True)
class MarkedDocument:
    """A document's text with matched words wrapped in the highlight markers. The body
    snippet may be left empty when the summary already shows a match: the summary is what
    a result then shows (see kb.search.highlight)."""

    title: str
    summary: str
    body_snippet: str


class SearchBackend(ABC):
    """Full-text search on one database engine.

    ``path`` is how a queryset reaches its search document: ``""`` for SearchDocument
    itself, ``"search_document__"`` for tactics, countermeasures and sources.
    """

    #: Relative weights of a match in the title, summary and keywords, and body.
    TITLE_WEIGHT, SUMMARY_WEIGHT, BODY_WEIGHT = 1.0, 0.4, 0.2

    @abstractmethod
    def filter(self, queryset: QS, query: Query, *, relaxed: bool, path: str) -> QS:
        """Rows matching ``query`` (every clause, or any clause when ``relaxed``), annotated
        with ``search_rank``: higher is more relevant."""

    @abstractmethod
    def marked(
        self, documents: QuerySet, query: Query, *, relaxed: bool, key: str = "pk"
    ) -> dict[int, MarkedDocument]:
        """Highlighted title, summary and body snippet of each of ``documents`` (only the
        rows shown on a page), by the value of their field ``key``."""

    @abstractmethod
    def unmatched_words(self, words: list[str]) -> list[str]:
        """Those of ``words`` that no document contains in any form (after stemming)."""

    @abstractmethod
    def similar_words(self, word: str, limit: int = 20) -> list[tuple[str, int]]:
        """Vocabulary words that look like ``word`` (by trigrams), with document counts."""
