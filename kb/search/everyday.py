"""What everyday language says about a reader's words: whether a word is a word of their
language at all, and how much a word says about a situation.

Both come from lists of words with how often each is used, one a language (pyspellchecker's:
English has about 160,000 words counted over 1.6 billion words of subtitles; Spanish,
French and Arabic, among others, have their own), the same on every database:

- A word the knowledge base does not use but the reader's language does ("booking",
  "took", "hotline"; "celular", "portable") is the reader's word, not a misspelling of a
  word the knowledge base uses: it is never "corrected" into one. On a page in another
  language than English an English word counts too: readers mix English words of phones
  and the internet into their own, and untranslated entries are read in English.
- An everyday word ("make", "says", "person"; "dice", "persona") says little about what
  someone saw; a rare one ("passport", "stalkerware", "Fortnite") says much. In a
  description of many words, each word counts by how rare it is (``specificity``).

A language pyspellchecker has no list for is read with English's list alone: its words
are then neither known nor common, so none is corrected into another of its own words
that happens to be close, and each counts fully.

Spanish's list holds verbs in the infinitive only ("saber", not "sabe"): a conjugated form
counts as its verb does (``VERB_FORMS``, with the stems that change: "quiere", "pidió"), so
that "sabe" or "pagan" are neither corrected nor taken for rare words.
"""

from __future__ import annotations

import math
from functools import cache

from spellchecker import SpellChecker

from .text import fold

ENGLISH = "en"
#: The specificity of a word a language never uses (a brand, a misspelling, a term of art),
#: and of the most everyday words; information counts from EVERYDAY_BITS.
UNKNOWN, FLOOR, EVERYDAY_BITS = 1.0, 0.05, 8.0
#: Everyday words of phones and the internet that the word lists (counted over film
#: subtitles) miss or undercount, counted as common as "video" is in English: people
#: describe what they saw with them all the time, so they say little on their own. The
#: English ones are everyone's (readers of every language use them).
EVERYDAY_ONLINE_COUNT = 80_000
EVERYDAY_ONLINE = {
    "en": "app apps smartphone selfie selfies texting texted texts dm dms wifi emoji emojis "
    "online website websites chat chats",
    "es": "aplicacion aplicaciones celular celulares movil moviles internet web linea "
    "redes mensaje mensajes chatear",
    "fr": "appli applis application applications portable portables internet web ligne "
    "reseaux message messages tchat",
    "ar": "تطبيق تطبيقات الانترنت انترنت هاتف الهاتف موقع رسائل رسالة دردشة",
}


#: The endings of conjugated verbs (folded), longest first, in languages whose list holds
#: verbs in the infinitive only, and the infinitive endings they may replace.
VERB_FORMS = {
    "es": (
        (
            "ieramos", "iesemos", "aramos", "asemos", "ieron", "aron", "ieran", "iesen",
            "aran", "asen", "iendo", "ando", "abamos", "iamos", "aban", "aria", "eria", "iria",
            "iera", "iese", "ara", "ase", "aba", "ados", "adas", "idos", "idas", "ado", "ada",
            "ido", "ida", "amos", "emos", "imos", "ais", "eis", "ian", "ia", "io", "an", "en",
            "as", "es", "a", "e", "o", "i",
        ),
        ("ar", "er", "ir"),
    ),
}  # fmt: skip


# Stems whose vowel changes when stressed: "quiere" is "querer", "puede" "poder", "pidio"
# "pedir".
_STEM_CHANGES = (("ie", "e"), ("ue", "o"), ("i", "e"))


def _stems(stem: str) -> list[str]:
    """``stem`` and the stems of the infinitive it may come from."""
    found = [stem]
    for changed, plain in _STEM_CHANGES:
        at = stem.rfind(changed)
        if at > 0:
            found.append(stem[:at] + plain + stem[at + len(changed) :])
    return found


class WordList:
    """One language's words (folded: lower case, no accents) with how often each is used."""

    def __init__(
        self, counts: dict[str, int], total: int, everyday: set[str], language: str = ENGLISH
    ) -> None:
        self.counts, self.total, self.everyday = counts, total, everyday
        self.verb_forms = VERB_FORMS.get(language)

    def __contains__(self, word: str) -> bool:
        return word in self.counts or self._verb(word) is not None

    def _verb(self, word: str) -> str | None:
        """The infinitive ``word`` is a conjugated form of, where the list has verbs in the
        infinitive only."""
        if self.verb_forms is None:
            return None
        endings, infinitives = self.verb_forms
        verbs = [
            stem + infinitive
            for ending in endings
            if word.endswith(ending) and len(word) - len(ending) >= 2
            for stem in _stems(word[: -len(ending)])
            for infinitive in infinitives
            if stem + infinitive in self.counts
        ]
        # The most common verb it may be ("puede" is "poder", not "podar").
        return max(verbs, key=self.counts.__getitem__, default=None)

    def count(self, word: str) -> int:
        found = self.counts.get(word, 0)
        if not found and (verb := self._verb(word)):
            found = self.counts[verb]
        return max(found, EVERYDAY_ONLINE_COUNT) if word in self.everyday else found


@cache
def word_list(language: str) -> WordList | None:
    """``language``'s word list, read once per process (about a third of a second), or None
    when pyspellchecker has none."""
    try:
        frequencies = SpellChecker(language=language, distance=1).word_frequency
    except ValueError:
        return None
    counts: dict[str, int] = {}
    for word, count in frequencies.dictionary.items():
        key = fold(word)
        counts[key] = counts.get(key, 0) + count
    everyday = set(EVERYDAY_ONLINE[ENGLISH].split()) | set(
        fold(w) for w in EVERYDAY_ONLINE.get(language, "").split()
    )
    return WordList(counts, frequencies.total_words, everyday, language)


def _lists(language: str) -> list[WordList]:
    """The word lists a reader of ``language`` is read with: theirs, then English's."""
    found = [word_list(language)] if language != ENGLISH else []
    return [words for words in (*found, word_list(ENGLISH)) if words is not None]


def is_word(word: str, language: str = ENGLISH) -> bool:
    """Whether ``word`` (folded) is a word of ``language`` (or of English)."""
    return any(word in words for words in _lists(language))


def is_english(word: str) -> bool:
    """Whether ``word`` (folded: lower case, no accents) is an English word."""
    return is_word(word, ENGLISH)


def specificity(word: str, language: str = ENGLISH) -> float:
    """How much ``word`` says, from 0.05 to 1: the information it carries (how rare it is
    in ``language``, else in English, in bits), beyond what the most everyday words carry,
    over the information of a word the language never uses."""
    lists = _lists(language)
    words = next((w for w in lists if w.count(word)), lists[0])
    count, total = words.count(word), words.total
    bits = -math.log2((count + 1) / total)
    # The most common words carry about 4 to 8 bits, the rarest 30: measured from 8 bits,
    # "says" (11.5 bits) weighs a sixth of "stalkerware", "passport" (17) two fifths.
    return min(max((bits - EVERYDAY_BITS) / (math.log2(total) - EVERYDAY_BITS), FLOOR), UNKNOWN)
