"""Search over the published knowledge base in the reader's language, the same on
PostgreSQL and SQLite.

    Tactic.objects.published().search("bitcon -gaming")   # a QuerySet, most relevant first

A reader's words are parsed (web-search syntax), corrected where no entry contains them,
expanded with synonyms (``Search.prepare``), and handed to the database's engine
(``backends``), which ranks the rows by how much of the query each covers and where: a
word in a name counts more than in a red flag, which counts more than a passing mention
in a description. A few keywords must all match, unless no entry contains them all; a
description in many words matches any of them, best covered first (``Search.every_word``).

Everything happens in one language, the reader's (``reading_language()``, or the one
``Search.prepare`` is given): its documents (each entry's text in that language, English
where it is not translated yet), its stemming, its words for spelling suggestions, its
synonyms and its word frequencies (``languages``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Self

from django.db.models import FilteredRelation, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .backends import get_backend
from .backends.base import QS
from .everyday import is_word, specificity
from .languages import active_language, stopwords
from .query import Query, parse
from .spelling import best_corrections
from .synonyms import Thesaurus, current_synonyms
from .text import MARK_END, MARK_START, fold

#: From this many words on, a query describes a situation rather than naming a topic: its
#: results need not contain every word, and are ranked by how much of it they cover.
DESCRIPTION_WORDS = 4


@dataclass(frozen=True)
class Search:
    """A reader's query ready for an engine: what was typed, what is searched, and what
    changed on the way (corrected words, words no entry contains, a query cut short)."""

    text: str
    parsed: Query
    query: Query
    #: The language searched: its documents, stemming, words and synonyms.
    language: str = "en"
    #: How much each of the query's clauses weighs: rarer words say more about an entry.
    weights: tuple[float, ...] = ()
    #: Misspelt words (that no entry contains in any form) and what was searched instead.
    corrections: dict[str, str] = field(default_factory=dict)
    #: Words that no entry contains, in any form, and that nothing could correct.
    unmatched: tuple[str, ...] = ()

    @classmethod
    def prepare(cls, text: str, *, correct: bool = True, language: str | None = None) -> Search:
        """Parse ``text``, correct the words no entry contains (unless ``correct`` is
        off: the reader asked for their own words) and expand synonyms, in a few small
        queries however long the text. ``language`` is the reader's unless given."""
        language = language or active_language()
        parsed = parse(text, stopwords(language))
        if not parsed:
            return cls(text, parsed, parsed, language)
        thesaurus = Thesaurus(current_synonyms(language), language)
        unknown = _unknown_words(parsed, thesaurus, language)
        corrections = _corrections(unknown, thesaurus, language) if correct else {}
        # Corrections join their word's clause before synonym expansion, so that a misspelt
        # word finds the synonyms of its correction too.
        corrected = parsed.with_alternatives({word: [fix] for word, fix in corrections.items()})
        query = thesaurus.expand(corrected)
        return cls(
            text,
            parsed,
            query,
            language,
            _weights(query, language),
            corrections,
            tuple(word for word in unknown if word not in corrections),
        )

    def __bool__(self) -> bool:
        return bool(self.query)

    @property
    def is_description(self) -> bool:
        return len(self.query.clauses) >= DESCRIPTION_WORDS

    @property
    def cut_short(self) -> bool:
        """Whether the text was longer than what is searched (only its first part is)."""
        return self.parsed.truncated

    @property
    def corrected_text(self) -> str | None:
        """The reader's text with each corrected word replaced, everything else as typed;
        None when nothing was corrected."""
        if not self.corrections:
            return None
        return re.sub(
            r"[^\W_]+", lambda word: self.corrections.get(fold(word[0]), word[0]), self.text
        )

    def every_word(self, rows: QuerySet) -> bool:
        """Whether the rows that match must contain every word: the one place where search
        relaxes. A few keywords must all match, when some row of ``rows`` contains them all
        (one small query); a description, or keywords no row holds together, match any word,
        the rows that cover most of the query first."""
        if len(self.query.clauses) < 2:
            return True
        if self.is_description:
            return False
        return _matching(rows, self, every_word=True).exists()


@dataclass(frozen=True)
class SearchOutcome:
    """What a search did, for the page to say: what it looked for, and whether the rows
    shown contain every word or only some of them."""

    search: Search
    every_word: bool = True

    def __bool__(self) -> bool:
        return bool(self.search)

    @property
    def relaxed(self) -> bool:
        return not self.every_word


class SearchableQuerySet(QuerySet):
    """Entries (and search documents) that can be searched: ``.search(text)``, in the
    reader's language."""

    #: How a row reaches its search document in the language searched: for an entry, the
    #: relation ``search_document``, its ``search_documents`` in that language alone
    #: (``in_language``); a search document is its own.
    search_document_path = "search_document__"

    def search(self, query: str | Search, *, every_word: bool | None = None) -> Self:
        """The rows that match ``query``, most relevant first, annotated with
        ``search_rank`` (how much of the query a row covers, and where) and
        ``search_score`` (the engine's own relevance, for ties). ``Search.every_word``
        decides whether every word must match; ``every_word`` imposes that choice."""
        search = query if isinstance(query, Search) else Search.prepare(query)
        if not search:
            return self.none()
        if every_word is None:
            every_word = search.every_word(self)
        found = _matching(self, search, every_word=every_word)
        return found.order_by("-search_rank", "-search_score", "pk")


def in_language(rows: QS, language: str) -> QS:
    """``rows`` with their search documents in ``language`` only: search documents in it,
    or entries whose relation ``search_document`` is their document in it (an entry has
    at most one per language)."""
    path = getattr(rows, "search_document_path", "search_document__")
    if not path:
        return rows.filter(language=language)
    relation = path.removesuffix("__")
    in_it = Q(search_documents__language=language)
    return rows.alias(**{relation: FilteredRelation("search_documents", condition=in_it)})


def _matching(rows: QS, search: Search, *, every_word: bool) -> QS:
    return get_backend(search.language).filter(
        in_language(rows, search.language),
        search.query,
        relaxed=not every_word,
        path=getattr(rows, "search_document_path", "search_document__"),
        weights=search.weights,
    )


def _unknown_words(parsed: Query, thesaurus: Thesaurus, language: str) -> list[str]:
    """The reader's words (of four letters or more, outside phrases and the synonym list)
    that no document in ``language`` contains in any form."""
    from kb.models import SearchWord

    candidates = {
        term.words[0]
        for clause in parsed.clauses
        for term in clause.terms
        if not term.is_phrase and len(term.words[0]) >= 4 and term.words not in thesaurus
    }
    if not candidates:
        return []
    known = set(
        SearchWord.objects.filter(language=language, word__in=candidates).values_list(
            "word", flat=True
        )
    )
    return get_backend(language).unmatched_words(sorted(candidates - known))


def _corrections(unknown: list[str], thesaurus: Thesaurus, language: str) -> dict[str, str]:
    """The likeliest correction of each unknown word from the knowledge base's own words in
    ``language`` and its synonym list, if one is close enough (see kb.search.spelling). A
    word of the reader's language (or of English) is the reader's own word, never a
    misspelling ("booking" is not "blocking")."""
    backend = get_backend(language)
    synonym_words = [(word, 0) for word in thesaurus.words()]
    corrections = {}
    for word in unknown:
        if is_word(word, language):
            continue
        fixes = best_corrections(word, backend.similar_words(word) + synonym_words)
        if fixes:
            corrections[word] = fixes[0]
    return corrections


def _weights(query: Query, language: str) -> tuple[float, ...]:
    """One weight per clause: how much the reader's own term says in their language
    (kb.search.everyday), an everyday word ("makes") little and a rare one ("stalkerware")
    much; a phrase as much as its rarest word. The reader's term comes first among a
    clause's alternatives."""
    return tuple(
        max(specificity(word, language) for word in clause.terms[0].words)
        for clause in query.clauses
    )


@dataclass(frozen=True)
class Highlight:
    """A result's title and snippet with the matched words in <mark>, safely escaped."""

    title: SafeString
    snippet: SafeString


def render_marked(text: str) -> SafeString:
    """Escape ``text``, then turn the engine's highlight markers into <mark> elements."""
    html = escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html)


def highlight(rows: list, outcome: SearchOutcome | None) -> None:
    """Give each of ``rows`` (entries or search documents, one page of them) a
    ``highlight`` attribute, in one query, from their documents in the language searched.
    Does nothing without a query."""
    from kb.models import SearchDocument

    if not outcome or not rows:
        return
    language = outcome.search.language
    model = type(rows[0])
    in_it = SearchDocument.objects.filter(language=language)
    if model is SearchDocument:
        documents, key = in_it.filter(pk__in=[r.pk for r in rows]), "pk"
    else:
        name = model._meta.model_name
        documents = in_it.filter(**{f"{name}__in": [r.pk for r in rows]})
        key = f"{name}_id"
    backend = get_backend(language)
    marked = backend.marked(documents, outcome.search.query, relaxed=outcome.relaxed, key=key)
    for row in rows:
        found = marked.get(row.pk)
        if found is None:
            continue
        # The summary, written to describe the entry, when the match shows in it; else the
        # red flag, or an excerpt of the rest of the text, where it is.
        parts = (found.summary, found.indicators_snippet, found.body_snippet)
        snippet = next((text for text in parts if MARK_START in text), None)
        snippet = snippet or next((text for text in parts if text), "")
        row.highlight = Highlight(render_marked(found.title), render_marked(snippet))


__all__ = [
    "Highlight",
    "Search",
    "SearchOutcome",
    "SearchableQuerySet",
    "highlight",
    "in_language",
    "render_marked",
]
