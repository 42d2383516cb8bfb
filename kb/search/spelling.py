"""Spelling correction from the knowledge base's own vocabulary."""

from __future__ import annotations


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent transpositions count once), or ``limit + 1``
    as soon as it is certain to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def allowed_edits(word: str) -> int:
    """How many typing mistakes a word of this length may hold and still be corrected."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 7 else 2


def best_corrections(word: str, candidates: list[tuple[str, int]], limit: int = 2) -> list[str]:
    """The closest ``candidates`` (word, document count) within the allowed edits, nearest
    first and, among equals, the most common first. A correction keeps the first letter:
    typing rarely gets it wrong, and a word that differs there ("took" and "look", "call"
    and "fall", "hotline" and "online") is usually another word, not a misspelling."""
    edits = allowed_edits(word)
    scored = []
    for candidate, document_count in candidates:
        if candidate == word or candidate[:1] != word[:1]:
            continue
        distance = edit_distance(word, candidate, edits)
        if distance <= edits:
            scored.append((distance, -document_count, candidate))
    return [candidate for _, _, candidate in sorted(scored)[:limit]]
