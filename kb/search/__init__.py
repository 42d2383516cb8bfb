"""Search over the published knowledge base, the same on PostgreSQL and SQLite.

    Tactic.objects.published().search("bitcon -gaming")   # a QuerySet, most relevant first

A reader's words are parsed (web-search syntax), expanded with synonyms and spelling
corrections from the knowledge base's own vocabulary (``Search.prepare``), and handed to the
database's engine (``backends``). Every word must match, unless no entry contains them all:
then entries containing any of them (``Search.every_word`` decides).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Self

from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .backends import get_backend
from .backends.base import QS
from .query import Query, Term, parse
from .spelling import best_corrections
from .synonyms import Thesaurus, current_synonyms
from .text import MARK_END, MARK_START


@dataclass(frozen=True)
class Search:
    """A reader's query ready for an engine, with the spelling corrections it led to."""

    text: str
    parsed: Query
    query: Query
    corrections: dict[str, str] = field(default_factory=dict)

    @classmethod
    def prepare(cls, text: str) -> Search:
        """Parse ``text`` and expand it with synonyms and spelling corrections (a few small
        queries, however long the text)."""
        parsed = parse(text)
        if not parsed:
            return cls(text, parsed, parsed)
        thesaurus = Thesaurus(current_synonyms())
        corrections = _spelling_corrections(parsed, thesaurus)
        # Corrections join their word's clause before synonym expansion, so that a misspelt
        # word finds the synonyms of its correction too.
        corrected = parsed.with_alternatives(corrections)
        return cls(
            text,
            parsed,
            thesaurus.expand(corrected),
            {word: fixes[0] for word, fixes in corrections.items()},
        )

    def __bool__(self) -> bool:
        return bool(self.query)

    def every_word(self, rows: QuerySet) -> bool:
        """Whether the rows that match must contain every word: yes when some row of
        ``rows`` does, otherwise any word will do (one small query). This is the one place
        where search relaxes."""
        if len(self.query.clauses) < 2:
            return True
        return _matching(rows, self.query, every_word=True).exists()

    @property
    def suggestion(self) -> str | None:
        """The reader's query with misspelt words replaced, if any were found."""
        if not self.corrections:
            return None

        def spell(term: Term) -> str:
            return str(Term(tuple(self.corrections.get(w, w) for w in term.words)))

        parts = [" or ".join(spell(t) for t in clause.terms) for clause in self.parsed.clauses]
        parts += [f"-{spell(t)}" for t in self.parsed.excluded]
        return " ".join(parts)


@dataclass(frozen=True)
class SearchOutcome:
    """What a search did, for the page to explain: what it looked for, and whether the rows
    shown contain every word or only some of them."""

    search: Search
    every_word: bool = True

    def __bool__(self) -> bool:
        return bool(self.search)

    @property
    def relaxed(self) -> bool:
        return not self.every_word

    @property
    def suggestion(self) -> str | None:
        return self.search.suggestion


class SearchableQuerySet(QuerySet):
    """Entries (and search documents) that can be searched: ``.search(text)``."""

    #: How a row reaches its search document.
    search_document_path = "search_document__"

    def search(self, query: str | Search, *, every_word: bool | None = None) -> Self:
        """The rows that match ``query``, most relevant first, annotated with
        ``search_rank`` (higher is better). Every word must match, unless no row contains
        them all (``Search.every_word``); ``every_word`` imposes that choice instead."""
        search = query if isinstance(query, Search) else Search.prepare(query)
        if not search:
            return self.none()
        if every_word is None:
            every_word = search.every_word(self)
        return _matching(self, search.query, every_word=every_word).order_by("-search_rank", "pk")


def _matching(rows: QS, query: Query, *, every_word: bool) -> QS:
    path = getattr(rows, "search_document_path", "search_document__")
    return get_backend().filter(rows, query, relaxed=not every_word, path=path)


@dataclass(frozen=True)
class Highlight:
    """A result's title and snippet with the matched words in <mark>, safely escaped."""

    title: SafeString
    snippet: SafeString


def _spelling_corrections(parsed: Query, thesaurus: Thesaurus) -> dict[str, list[str]]:
    """Corrections for the reader's words that no document contains in any form."""
    from kb.models import SearchWord

    candidates = {
        term.words[0]
        for clause in parsed.clauses
        for term in clause.terms
        if not term.is_phrase and len(term.words[0]) >= 4 and term.words not in thesaurus
    }
    if not candidates:
        return {}
    known = set(SearchWord.objects.filter(word__in=candidates).values_list("word", flat=True))
    backend = get_backend()
    synonym_words = [(word, 0) for word in thesaurus.words()]
    corrections = {}
    for word in backend.unmatched_words(sorted(candidates - known)):
        fixes = best_corrections(word, backend.similar_words(word) + synonym_words)
        if fixes:
            corrections[word] = fixes
    return corrections


def render_marked(text: str) -> SafeString:
    """Escape ``text``, then turn the engine's highlight markers into <mark> elements."""
    html = escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html)


def highlight(rows: list, outcome: SearchOutcome | None) -> None:
    """Give each of ``rows`` (entries or search documents, one page of them) a
    ``highlight`` attribute, in one query. Does nothing without a query."""
    from kb.models import SearchDocument

    if not outcome or not rows:
        return
    model = type(rows[0])
    if model is SearchDocument:
        documents, key = SearchDocument.objects.filter(pk__in=[r.pk for r in rows]), "pk"
    else:
        name = model._meta.model_name
        documents = SearchDocument.objects.filter(**{f"{name}__in": [r.pk for r in rows]})
        key = f"{name}_id"
    marked = get_backend().marked(documents, outcome.search.query, relaxed=outcome.relaxed, key=key)
    for row in rows:
        found = marked.get(row.pk)
        if found is None:
            continue
        # The summary, written to describe the entry, when the match shows in it; an
        # excerpt of the rest of the text when the match is only there.
        snippet = next(
            (text for text in (found.summary, found.body_snippet) if MARK_START in text),
            found.summary,
        )
        row.highlight = Highlight(render_marked(found.title), render_marked(snippet))


__all__ = [
    "Highlight",
    "Search",
    "SearchOutcome",
    "SearchableQuerySet",
    "highlight",
    "render_marked",
]
