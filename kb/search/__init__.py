"""Search over the published knowledge base, the same on PostgreSQL and SQLite.

    results, outcome = search(Tactic.objects.published(), "bitcon -gaming")
    page = ...                       # rank, paginate, as any queryset
    highlight(page.object_list, outcome)

A reader's words are parsed (web-search syntax), expanded with synonyms and spelling
corrections from the knowledge base's own vocabulary, and handed to the database's engine
(``backends``). When no entry contains every word, the search relaxes to entries that
contain any of them, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .backends import get_backend
from .query import Query, Term, parse
from .results import SearchResults
from .spelling import best_corrections
from .synonyms import Thesaurus, current_synonyms
from .text import MARK_END, MARK_START


@dataclass(frozen=True)
class PreparedQuery:
    """A reader's query ready for an engine, with the spelling suggestion it led to."""

    text: str
    parsed: Query
    query: Query
    corrections: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.query)

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


@dataclass
class SearchOutcome:
    """What a search did, for the page to explain: was it relaxed, what was corrected.
    ``relaxed`` is known once the results have been fetched."""

    prepared: PreparedQuery
    relaxed: bool = False

    def __bool__(self) -> bool:
        return bool(self.prepared)

    @property
    def suggestion(self) -> str | None:
        return self.prepared.suggestion


@dataclass(frozen=True)
class Highlight:
    """A result's title and snippet with the matched words in <mark>, safely escaped."""

    title: SafeString
    snippet: SafeString


def prepare(text: str) -> PreparedQuery:
    """Parse ``text`` and expand it with synonyms and spelling corrections (a few small
    queries, however long the text)."""
    parsed = parse(text)
    if not parsed:
        return PreparedQuery(text, parsed, parsed)
    thesaurus = Thesaurus(current_synonyms())
    corrections = _spelling_corrections(parsed, thesaurus)
    # Corrections join their word's clause before synonym expansion, so that a misspelt
    # word finds the synonyms of its correction too.
    corrected = parsed.with_alternatives(corrections)
    return PreparedQuery(
        text,
        parsed,
        thesaurus.expand(corrected),
        {word: fixes[0] for word, fixes in corrections.items()},
    )


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


def _path(queryset: QuerySet) -> str:
    from kb.models import SearchDocument

    return "" if queryset.model is SearchDocument else "search_document__"


def search(queryset: QuerySet, text: str) -> tuple[QuerySet | SearchResults, SearchOutcome]:
    """The rows of ``queryset`` that match ``text``, most relevant first (``order_by``
    chooses another order; ``search_rank`` is the relevance, higher is better). An empty
    query leaves the queryset as it is."""
    prepared = prepare(text)
    outcome = SearchOutcome(prepared)
    if not prepared:
        return queryset, outcome
    backend, path = get_backend(), _path(queryset)
    strict = backend.filter(queryset, prepared.query, relaxed=False, path=path)
    relaxed = None
    if len(prepared.query.clauses) > 1:
        relaxed = backend.filter(queryset, prepared.query, relaxed=True, path=path)
    return SearchResults(queryset, strict, relaxed, outcome), outcome


def apply(queryset: QuerySet, outcome: SearchOutcome | None) -> QuerySet:
    """Apply a search already made (same expansion, same strict or relaxed matching) to
    another queryset, e.g. for facet counts; without a query, the queryset as it is."""
    if not outcome:
        return queryset
    return get_backend().filter(
        queryset, outcome.prepared.query, relaxed=outcome.relaxed, path=_path(queryset)
    )


def render_marked(text: str) -> SafeString:
    """Escape ``text``, then turn the engine's highlight markers into <mark> elements."""
    html = escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html)


def highlight(rows: list, outcome: SearchOutcome) -> None:
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
    marked = get_backend().marked(
        documents, outcome.prepared.query, relaxed=outcome.relaxed, key=key
    )
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
    "PreparedQuery",
    "SearchOutcome",
    "SearchResults",
    "apply",
    "highlight",
    "prepare",
    "render_marked",
    "search",
]
