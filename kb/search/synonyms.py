"""Synonym expansion: readers' words meet the knowledge base's words.

Each language has its own: the curated English list lives in ``synonyms.txt`` beside this
module, another language's in ``synonyms.<language>.txt`` (``synonyms.es.txt``); admins
extend them with ``SynonymGroup`` rows, whose column in a language (``terms_es``) is that
language's group. A search uses its reader's language's synonyms only. Expansion happens
in the application, so both engines get the same alternatives and nothing needs
re-indexing when a group changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .languages import ENGLISH, stopwords, without_particle
from .query import Clause, Query, Term
from .text import words

SYNONYMS_FILE = Path(__file__).with_name("synonyms.txt")
LONGEST_PHRASE = 4

Phrase = tuple[str, ...]


def synonyms_file(language: str) -> Path:
    """Where the curated list of ``language`` is kept."""
    if language == ENGLISH:
        return SYNONYMS_FILE
    return SYNONYMS_FILE.with_name(f"synonyms.{language}.txt")


def _key_word(word: str, language: str) -> str:
    if language == "ar":
        return word
    return word[:-1] if len(word) > 2 and word.endswith("s") and not word.endswith("ss") else word


def _key(phrase: Phrase, language: str = ENGLISH) -> Phrase:
    """Compare phrases regardless of a plural -s on each word, and of very common words,
    which a reader's query leaves out ("find my phone" is the query "find phone")."""
    common = stopwords(language)
    return tuple(_key_word(w, language) for w in phrase if w not in common or len(phrase) == 1)


def _phrases(text: str) -> list[Phrase]:
    return [phrase for phrase in (tuple(words(part)) for part in text.split(",")) if phrase]


@dataclass
class SynonymList:
    """Synonym groups ("a, b, c": each finds the others) and one-way replacements
    ("a, b => c, d": a or b is searched as c or d, never as itself; for words that stemming
    makes ambiguous, such as "ads", which would also match "added")."""

    groups: list[list[Phrase]] = field(default_factory=list)
    replacements: list[tuple[list[Phrase], list[Phrase]]] = field(default_factory=list)

    @classmethod
    def parse(cls, lines: list[str]) -> SynonymList:
        """Read lines of the synonyms.txt format; blank lines and # comments are skipped."""
        parsed = cls()
        for line in lines:
            line = line.split("#", 1)[0]
            if "=>" in line:
                left, right = (_phrases(side) for side in line.split("=>", 1))
                if left and right:
                    parsed.replacements.append((left, right))
            elif len(_phrases(line)) > 1:
                parsed.groups.append(_phrases(line))
        return parsed

    def __add__(self, other: SynonymList) -> SynonymList:
        return SynonymList(self.groups + other.groups, self.replacements + other.replacements)


@cache
def repository_synonyms(language: str = ENGLISH) -> SynonymList:
    """The curated list of ``language`` (empty for a language that has none)."""
    found = synonyms_file(language)
    if not found.exists():
        return SynonymList()
    return SynonymList.parse(found.read_text(encoding="utf-8").splitlines())


def current_synonyms(language: str = ENGLISH) -> SynonymList:
    """The repository's synonyms of ``language`` and the admins' in it (one query)."""
    from kb.models import SynonymGroup
    from kb.models.translations import column

    admin_lines = list(
        SynonymGroup.objects.exclude(**{column("terms", language): ""}).values_list(
            column("terms", language), flat=True
        )
    )
    return repository_synonyms(language) + SynonymList.parse(admin_lines)


class Thesaurus:
    """Looks up what a reader's phrase should be searched as, in ``language`` (the synonyms'
    and the reader's)."""

    def __init__(self, synonyms: SynonymList, language: str = ENGLISH) -> None:
        self._language = language
        self._synonyms: dict[Phrase, list[Phrase]] = {}
        for group in synonyms.groups:
            for phrase in group:
                known = self._synonyms.setdefault(self._key(phrase), [])
                known.extend(other for other in group if other not in known)
        self._replacements: dict[Phrase, list[Phrase]] = {}
        for sources, targets in synonyms.replacements:
            for phrase in sources:
                known = self._replacements.setdefault(self._key(phrase), [])
                known.extend(target for target in targets if target not in known)

    def _key(self, phrase: Phrase) -> Phrase:
        return _key(phrase, self._language)

    def _lookup(self, table: dict[Phrase, list[Phrase]], phrase: Phrase) -> list[Phrase] | None:
        """What ``table`` holds for a reader's ``phrase``: as typed, or in Arabic without the
        particles joined to its words' beginnings ("بالكريبتو" is "كريبتو")."""
        found = table.get(self._key(phrase))
        if found is None and self._language == "ar":
            found = table.get(self._key(tuple(without_particle(w) for w in phrase)))
        return found

    def words(self) -> set[str]:
        """Every single-word synonym: readers misspell these too ("bitcon")."""
        return {phrase[0] for phrase in (*self._synonyms, *self._replacements) if len(phrase) == 1}

    def __contains__(self, phrase: Phrase) -> bool:
        return (
            self._lookup(self._synonyms, phrase) is not None
            or self._lookup(self._replacements, phrase) is not None
        )

    def synonyms(self, phrase: Phrase) -> list[Phrase]:
        return [p for p in self._lookup(self._synonyms, phrase) or [] if p != phrase]

    def alternatives(self, term: Term) -> list[Term]:
        """What a term is searched as: itself (unless replaced) and all its synonyms."""
        replaced = self._lookup(self._replacements, term.words)
        found = replaced if replaced else [term.words]
        found = found + [s for phrase in found for s in self.synonyms(phrase)]
        return [Term(phrase) for phrase in dict.fromkeys(found)]

    def expand(self, query: Query) -> Query:
        """Merge runs of single words that form a known phrase ("hide ip"), then replace
        each term by its alternatives."""
        clauses = self._merge_phrases(list(query.clauses))
        expanded = []
        for clause in clauses:
            terms = [alt for term in clause.terms for alt in self.alternatives(term)]
            expanded.append(Clause(tuple(dict.fromkeys(terms))))
        return Query(tuple(expanded), query.excluded, query.truncated)

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
