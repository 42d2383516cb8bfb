"""What everyday English says about a reader's words: whether a word is English at all, and
how much a word says about a situation.

Both come from a list of English words with how often each is used (pyspellchecker's, about
160,000 words counted over 1.6 billion words of subtitles), the same on every database:

- A word the knowledge base does not use but English does ("booking", "took", "hotline")
  is the reader's word, not a misspelling of a word the knowledge base uses: it is never
  "corrected" into one.
- An everyday word ("make", "says", "person") says little about what someone saw; a rare one
  ("passport", "stalkerware", "Fortnite") says much. In a description of many words, each
  word counts by how rare it is (``specificity``).
"""

from __future__ import annotations

import math
from functools import lru_cache

from spellchecker import SpellChecker

#: The specificity of a word English never uses (a brand, a misspelling, a term of art),
#: and of the most everyday words; information counts from EVERYDAY_BITS.
UNKNOWN, FLOOR, EVERYDAY_BITS = 1.0, 0.05, 8.0
#: Everyday words of phones and the internet that the word list (counted over film subtitles)
#: misses or undercounts, counted as common as "video" is there: people describe what they
#: saw with them all the time, so they say little on their own.
EVERYDAY_ONLINE = dict.fromkeys(
    "app apps smartphone selfie selfies texting texted texts dm dms wifi emoji emojis "
    "online website websites chat chats".split(),
    80_000,
)


@lru_cache(maxsize=1)
def _frequencies():
    """The word list, read once per process (about a third of a second)."""
    return SpellChecker(language="en", distance=1).word_frequency


def is_english(word: str) -> bool:
    """Whether ``word`` (folded: lower case, no accents) is an English word."""
    return word in _frequencies().dictionary


def specificity(word: str) -> float:
    """How much ``word`` says, from 0.05 to 1: the information it carries (how rare it is
    in English, in bits), beyond what the most everyday words carry, over the information
    of a word English never uses."""
    frequencies = _frequencies()
    total = frequencies.total_words
    count = max(frequencies.dictionary.get(word, 0), EVERYDAY_ONLINE.get(word, 0))
    bits = -math.log2((count + 1) / total)
    # The most common words carry about 4 to 8 bits, the rarest 30: measured from 8 bits,
    # "says" (11.5 bits) weighs a sixth of "stalkerware", "passport" (17) two fifths.
    return min(max((bits - EVERYDAY_BITS) / (math.log2(total) - EVERYDAY_BITS), FLOOR), UNKNOWN)
