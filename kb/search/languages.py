"""Search in each of kb's languages: which words a query leaves out, how each database reads
a language's text, and the forms of a word that the unstemmed SQLite index can still find.

Every published entry has one search document per language (kb.search.indexing), and a
search reads the documents of the reader's language only (``reading_language()``):

- PostgreSQL builds each document's vector with its language's text search configuration:
  ``kb_<name>``, a copy of PostgreSQL's own configuration ``<name>`` that also ignores
  accents (migrations 0003 and 0019). ``<name>`` is settings.KB_SEARCH_CONFIGURATIONS's
  for the language if it names one, else the language's English name in lower case
  ("Spanish" -> ``spanish``), which is how PostgreSQL names its Snowball configurations;
  a language PostgreSQL has no configuration for is read with ``kb_simple`` (words as they
  are, without stemming). Adding a language to settings.LANGUAGES is all it takes.
- SQLite keeps English documents in an FTS5 table with English (Porter) stemming and every
  other language's in one without stemming (``unicode61``, accents and Arabic marks
  ignored). There, a word is searched in the forms it may take (``sqlite_forms``): its
  light stem as a prefix, and in Arabic the particles that are written joined to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language_info

from .text import STOPWORDS, fold

#: The source language: every entry is written in English first.
ENGLISH = "en"
#: PostgreSQL configurations by language, as PostgreSQL names them; settings may override.
CONFIGURATIONS = {"en": "english", "es": "spanish", "fr": "french", "ar": "arabic"}
#: What a language without a configuration of its own is read with: words as they are.
SIMPLE = "simple"
#: The prefix of kb's copies of PostgreSQL's configurations (they also ignore accents).
KB_PREFIX = "kb_"

_HERE = Path(__file__).parent


def active_language() -> str:
    """The reader's language (English outside any request)."""
    from kb.models.translations import reading_language

    return reading_language()


def search_languages() -> list[str]:
    """Every language kb is read in, and so has search documents in; English first."""
    from kb.models.translations import content_languages

    return content_languages()


def configuration_name(language: str) -> str:
    """The name of the PostgreSQL configuration ``language`` should be read with (without
    kb's prefix), before checking the database has it."""
    configured = getattr(settings, "KB_SEARCH_CONFIGURATIONS", {}) or {}
    if language in configured:
        return configured[language]
    if language in CONFIGURATIONS:
        return CONFIGURATIONS[language]
    try:
        return get_language_info(language)["name"].lower()
    except KeyError:
        return SIMPLE


def postgresql_configuration(language: str, available: frozenset[str]) -> str:
    """kb's PostgreSQL configuration for ``language`` among those ``available`` (the
    database's): ``kb_spanish`` for Spanish, ``kb_simple`` for a language PostgreSQL cannot
    stem."""
    wanted = KB_PREFIX + configuration_name(language)
    return wanted if wanted in available else KB_PREFIX + SIMPLE


def uses_english_stemming(language: str) -> bool:
    """Whether SQLite keeps ``language``'s documents in the English (Porter) index."""
    return language == ENGLISH


@cache
def stopwords(language: str) -> frozenset[str]:
    """Very common words of ``language`` that a query leaves out (folded), from
    ``stopwords.<language>.txt`` beside this module; English's are kb.search.text's."""
    if language == ENGLISH:
        return STOPWORDS
    found = _HERE / f"stopwords.{language}.txt"
    if not found.exists():
        return frozenset()
    lines = found.read_text(encoding="utf-8").splitlines()
    return frozenset(
        fold(line.strip()) for line in lines if line.strip() and not line.startswith("#")
    )


# --- word forms on SQLite's unstemmed index ----------------------------------------------

#: A prefix shorter than this matches too many other words: the word is searched as typed.
SHORTEST_PREFIX = 4
SHORTEST_ARABIC_STEM = 3

# Plural, gender and infinitive endings, longest first: what a light stemmer removes so that
# a prefix search finds the other forms ("ofertas" -> "ofert", which finds "oferta" and
# "ofertas"; "rastrear" -> "rastr", which finds "rastreo").
_ENDINGS = {
    "es": ("es", "s", "ar", "er", "ir", "a", "o", "e"),
    "fr": ("es", "s", "x", "er", "ir", "e"),
    "pt": ("es", "s", "ar", "er", "ir", "a", "o", "e"),
    "it": ("are", "ere", "ire", "i", "e", "a", "o"),
}
_VOWEL_ES = re.compile(r"[aeiou]$")

# Arabic particles written joined to the next word: and, so, with, for, like, the... The
# longest first, so that "وال" is removed before "و".
ARABIC_PREFIXES = ("وبال", "وال", "بال", "كال", "فال", "ولل", "لل", "ال", "و", "ف", "ب", "ل", "ك")
# What a reader's word may be written with in a document: none, the article, a particle,
# or both. Searched as alternatives, each followed by the stem as a prefix.
ARABIC_JOINED = ("", "ال", "و", "وال", "ب", "بال", "ل", "لل", "ف", "ك")
# The first letter of a verb in the present tense (he, she, we), and how long a stem must
# be to be read as one.
ARABIC_PRESENT_TENSE = ("ي", "ت", "ن")
ARABIC_SHORTEST_VERB = 5
# Endings: plurals, the feminine, and pronouns attached to the end (her, his, their).
ARABIC_SUFFIXES = ("هما", "ات", "ون", "ين", "ان", "ها", "هم", "هن", "ية", "ه", "ة", "ي")  # noqa: RUF001


def light_stem(word: str, language: str) -> str:
    """``word`` (folded) without the endings its plural, gender or attached pronouns add,
    for a prefix search; the word itself where removing them would leave too little."""
    if language == "ar":
        return _arabic_stem(word)
    endings = _ENDINGS.get(language)
    if not endings or not word.isalpha():
        return word
    stem = word
    for ending in endings:
        if stem.endswith(ending) and len(stem) - len(ending) >= SHORTEST_PREFIX:
            stem = stem[: -len(ending)]
            break
    # Then a gender vowel left before a plural ending ("falsas" -> "fals", "offres" -> "offr").
    shortened = stem != word and len(stem) - 1 >= SHORTEST_PREFIX
    if shortened and language in ("es", "pt") and _VOWEL_ES.search(stem):
        stem = stem[:-1]
    if stem != word and language == "fr" and stem.endswith("e") and len(stem) > SHORTEST_PREFIX:
        stem = stem[:-1]
    return stem


def _arabic_stem(word: str) -> str:
    return _without_suffix(_without_prefix(word))


def without_particle(word: str) -> str:
    """An Arabic ``word`` without the particle or article joined to its beginning."""
    return _without_prefix(word)


def _without_prefix(word: str) -> str:
    for prefix in ARABIC_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= SHORTEST_ARABIC_STEM:
            return word[len(prefix) :]
    return word


def _without_suffix(word: str) -> str:
    for suffix in ARABIC_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= SHORTEST_ARABIC_STEM:
            return word[: -len(suffix)]
    return word


@dataclass(frozen=True)
class WordForms:
    """How one word of a query is searched on the unstemmed index: each of ``prefixes``
    (searched as beginnings of words), or else the word exactly."""

    word: str
    prefixes: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        return not self.prefixes


def sqlite_forms(word: str, language: str) -> WordForms:
    """The forms a reader's ``word`` is searched in on SQLite's unstemmed index."""
    if language == "ar":
        # A first letter that looks like a particle may be the word's own ("وظيفة", a
        # job): the word is then searched with it too.
        stem = _arabic_stem(word)
        candidates = [stem]
        if len(_without_suffix(word)) - len(stem) == 1:
            candidates.append(_without_suffix(word))
        # A verb's present tense begins with a letter saying who does it ("يتواصلون", they
        # communicate): without it, the beginning is its noun's too ("التواصل").
        if stem[:1] in ARABIC_PRESENT_TENSE and len(stem) >= ARABIC_SHORTEST_VERB:
            candidates.append(stem[1:])
        stems = [stem for stem in candidates if len(stem) >= SHORTEST_ARABIC_STEM]
        if not stems:
            return WordForms(word)
        joined = (particle + stem for stem in stems for particle in ARABIC_JOINED)
        return WordForms(word, tuple(dict.fromkeys(joined)))
    stem = light_stem(word, language)
    if len(stem) < SHORTEST_PREFIX or (stem == word and len(word) < SHORTEST_PREFIX + 1):
        return WordForms(word)
    return WordForms(word, (stem,))
