"""The web-search syntax readers type, parsed into a small structure both engines translate.

    fake job            both words (in any order)
    "fake job"          the phrase
    bitcoin or crypto   either
    grooming -gaming    grooming, but not gaming

Nothing a reader types is an error: stray quotes, lone operators and symbols are dropped,
and what is left is searched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import STOPWORDS, words

#: A query is searched up to this many characters and words; a longer description is
#: searched for its first part (and the page says so).
MAX_QUERY_LENGTH = 600
MAX_CLAUSES = 16

# An optional minus, then a quoted phrase (closing quote optional) or a bare token.
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
# "company's" is the word "company", not a phrase with a word "s".
_POSSESSIVE = re.compile(r"(?<=\w)['\u2019]s\b", re.IGNORECASE)


@dataclass(frozen=True)
class Term:
    """A word, or a phrase of several words that must appear together in order."""

    words: tuple[str, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    def __str__(self) -> str:
        text = " ".join(self.words)
        return f'"{text}"' if self.is_phrase else text


@dataclass(frozen=True)
class Clause:
    """Alternatives, any one of which satisfies the clause."""

    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Query:
    """Clauses that must all match (or, relaxed, any of them), minus excluded terms."""

    clauses: tuple[Clause, ...] = ()
    excluded: tuple[Term, ...] = ()
    #: Whether the text went on beyond what is searched.
    truncated: bool = False

    def __bool__(self) -> bool:
        return bool(self.clauses)

    def with_alternatives(self, alternatives: dict[str, list[str]]) -> Query:
        """The same query, where each single word with ``alternatives`` also accepts them."""

        def widen(clause: Clause) -> Clause:
            extra = [
                Term((alternative,))
                for term in clause.terms
                if not term.is_phrase
                for alternative in alternatives.get(term.words[0], [])
            ]
            return Clause((*clause.terms, *extra))

        return Query(tuple(widen(clause) for clause in self.clauses), self.excluded, self.truncated)


_OR = object()


def parse(text: str, stopwords: frozenset[str] = STOPWORDS) -> Query:
    """Parse a reader's query; an empty Query means there is nothing to search for.
    ``stopwords`` are the very common words of the reader's language, left out outside
    phrases (English's by default)."""
    items: list = []
    for match in _TOKEN.finditer((text or "")[:MAX_QUERY_LENGTH]):
        negated, phrase, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None:
            if bare.lower() == "or":
                items.append(_OR)
                continue
            negated, raw = ("-", bare[1:]) if bare.startswith("-") else ("", bare)
        else:
            raw = phrase
        raw = _POSSESSIVE.sub("", raw)
        found = tuple(words(raw))
        if not found or (bare is not None and len(found) == 1 and found[0] in stopwords):
            continue
        items.append((Term(found), bool(negated)))

    clauses: list[Clause] = []
    excluded: list[Term] = []
    join_next = False
    for item in items:
        if item is _OR:
            join_next = bool(clauses)
            continue
        term, negated = item
        if any(term in clause.terms for clause in clauses) or term in excluded:
            continue  # a word said twice is searched once
        if negated:
            excluded.append(term)
        elif join_next:
            clauses[-1] = Clause((*clauses[-1].terms, term))
        else:
            clauses.append(Clause((term,)))
        join_next = False
    truncated = len(text or "") > MAX_QUERY_LENGTH or len(clauses) > MAX_CLAUSES
    return Query(tuple(clauses[:MAX_CLAUSES]), tuple(excluded[:MAX_CLAUSES]), truncated)
