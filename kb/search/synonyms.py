"""Synonym expansion: readers' words meet the knowledge base's words.

The curated list lives in ``synonyms.txt`` beside this module; admins extend it with
``SynonymGroup`` rows. Expansion happens in the application, so both engines get the same
alternatives and nothing needs re-indexing when a group changes.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .query import Clause, Query, Term
from .text import words

SYNONYMS_FILE = Path(__file__).with_name("synonyms.txt")
LONGEST_PHRASE = 4

Phrase = tuple[str, ...]


def _key(phrase: Phrase) -> Phrase:
    """Compare phrases regardless of a plural -s on each word."""
    return tuple(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in phrase
    )


def parse_groups(lines: list[str]) -> list[list[Phrase]]:
    """Groups of phrases from 'a, b c, d' lines; blank lines and # comments are skipped."""
    groups = []
    for line in lines:
        line = line.split("#", 1)[0]
        group = [tuple(words(part)) for part in line.split(",")]
        group = [phrase for phrase in group if phrase]
        if len(group) > 1:
            groups.append(group)
    return groups


@lru_cache(maxsize=1)
def repository_groups() -> tuple[tuple[Phrase, ...], ...]:
    lines = SYNONYMS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(tuple(group) for group in parse_groups(lines))


def current_groups() -> list[list[Phrase]]:
    """The repository's groups and the admins' (one query)."""
    from kb.models import SynonymGroup

    admin_lines = list(SynonymGroup.objects.values_list("terms", flat=True))
    return [list(group) for group in repository_groups()] + parse_groups(admin_lines)


class Thesaurus:
    """Looks up the synonyms of a phrase across every group that contains it."""

    def __init__(self, groups: list[list[Phrase]]) -> None:
        self._synonyms: dict[Phrase, list[Phrase]] = {}
        for group in groups:
            for phrase in group:
                known = self._synonyms.setdefault(_key(phrase), [])
                known.extend(other for other in group if other not in known)

    def __contains__(self, phrase: Phrase) -> bool:
        return _key(phrase) in self._synonyms

    def synonyms(self, phrase: Phrase) -> list[Phrase]:
        return [p for p in self._synonyms.get(_key(phrase), []) if p != phrase]

    def expand(self, query: Query) -> Query:
        """Merge runs of single words that form a known phrase ("hide ip"), then add every
        synonym of each term as an alternative of its clause."""
        clauses = self._merge_phrases(list(query.clauses))
        expanded = []
        for clause in clauses:
            terms = list(clause.terms)
            for term in clause.terms:
                terms.extend(Term(p) for p in self.synonyms(term.words) if Term(p) not in terms)
            expanded.append(Clause(tuple(terms)))
        return Query(tuple(expanded), query.excluded)

    def _merge_phrases(self, clauses: list[Clause]) -> list[Clause]:
        merged, i = [], 0
        while i < len(clauses):
            for length in range(min(LONGEST_PHRASE, len(clauses) - i), 1, -1):
                run = clauses[i : i + length]
                if all(len(c.terms) == 1 and not c.terms[0].is_phrase for c in run):
                    phrase = tuple(c.terms[0].words[0] for c in run)
                    if phrase in self:
                        merged.append(Clause((Term(phrase),)))
                        i += length
                        break
            else:
                merged.append(clauses[i])
                i += 1
        return merged
