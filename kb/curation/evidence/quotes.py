"""Checking a citation's quote against its source's stored text, and finding its paragraph.

A quote is verified when, once both are normalised (``normalise``), it stands in the stored
text word for word, starting and ending on whole words. Normalising forgives only what
copying text changes without changing its words: Unicode compatibility forms, whitespace
and line breaks, curly and straight quote marks, kinds of dash and the spaces around them,
and the ellipsis. Letter case and punctuation otherwise count. An ellipsis in the quote
("...") marks words left out: the parts on either side must stand in the text in that
order. A quote may run across paragraphs; its locator then names them all.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from kb.models import Citation, QuoteStatus, Source, SourceText, split_paragraphs

# After NFKC: every kind of quote mark as the straight one, every kind of dash as a hyphen,
# and characters that copying adds or drops invisibly (soft hyphen, zero-width) removed.
_FOLD = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc\u0060\u00b4", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u301d\u301e", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
        **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", ""),
    }
)
ELLIPSIS = "..."


def normalise(text: str) -> str:
    """Text as quotes are compared: NFKC, one kind of quote mark and dash, no space around
    a dash, "..." for any ellipsis, and single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    text = re.sub(r"\s+", " ", text)
    # "a - b", "a—b" and "a -- b" are the same dash, however the copy spaced it.
    text = re.sub(r" ?-+ ?", "-", text)
    text = re.sub(r"\. ?\. ?\.", ELLIPSIS, text)
    return text.strip()


@dataclass(frozen=True)
class QuoteCheck:
    """What checking one quote found: ``status`` is ``verified``, ``not_found`` or
    ``no_text`` (a ``QuoteStatus``), and ``locator`` says where it was found ("paragraph
    6", or "paragraphs 6\u20137" with an en dash), empty unless verified."""

    status: QuoteStatus
    locator: str = ""

    @property
    def verified(self) -> bool:
        return self.status == QuoteStatus.VERIFIED


NOT_FOUND = QuoteCheck(QuoteStatus.NOT_FOUND)
NO_TEXT = QuoteCheck(QuoteStatus.NO_TEXT)


def _is_word_character(character: str) -> bool:
    return character.isalnum()


class StoredTextIndex:
    """A stored text prepared for checking many quotes against it: its paragraphs,
    normalised and joined by a space, and where each one starts."""

    def __init__(self, text: str) -> None:
        paragraphs = [normalise(paragraph) for paragraph in split_paragraphs(text)]
        self.starts: list[int] = []
        offset = 0
        for paragraph in paragraphs:
            self.starts.append(offset)
            offset += len(paragraph) + 1
        self.text = " ".join(paragraphs)

    def _paragraph_at(self, offset: int) -> int:
        """The number (from 1) of the paragraph the character at ``offset`` is in."""
        return bisect_right(self.starts, offset)

    def _find_words(self, words: str, start: int) -> int:
        """Where ``words`` first stand in the text at or after ``start`` as whole words
        (not inside a longer word), or -1."""
        while (found := self.text.find(words, start)) != -1:
            end = found + len(words)
            before = self.text[found - 1] if found else " "
            after = self.text[end] if end < len(self.text) else " "
            inside_word = (_is_word_character(words[0]) and _is_word_character(before)) or (
                _is_word_character(words[-1]) and _is_word_character(after)
            )
            if not inside_word:
                return found
            start = found + 1
        return -1

    def check(self, quote: str) -> QuoteCheck:
        """Whether ``quote`` stands in the text, and in which paragraphs."""
        parts = [part.strip() for part in normalise(quote).split(ELLIPSIS)]
        parts = [part for part in parts if part]
        if not parts:
            return NOT_FOUND
        # The first place the whole quote fits, trying each place its first part stands.
        start = 0
        while (first := self._find_words(parts[0], start)) != -1:
            end, position = first + len(parts[0]), first + len(parts[0])
            for part in parts[1:]:
                found = self._find_words(part, position)
                if found == -1:
                    return NOT_FOUND  # a later place of the first part cannot help either
                end = position = found + len(part)
            return QuoteCheck(QuoteStatus.VERIFIED, self._locator(first, end - 1))
        return NOT_FOUND

    def _locator(self, first: int, last: int) -> str:
        opening, closing = self._paragraph_at(first), self._paragraph_at(last)
        if opening == closing:
            return _("paragraph %(number)s") % {"number": opening}
        return _("paragraphs %(first)s–%(last)s") % {"first": opening, "last": closing}  # noqa: RUF001 (a real en dash: the catalogue holds it as typed)


def check_against(index: StoredTextIndex | None, quote: str) -> QuoteCheck:
    """What checking ``quote`` against a prepared stored text finds (None: the source has
    none). An empty quote, or one of nothing but an ellipsis, is never found."""
    if not normalise(quote).replace(ELLIPSIS, "").strip():
        return NOT_FOUND
    if index is None:
        return NO_TEXT
    return index.check(quote)


def stored_text_index(source_id: int | None) -> StoredTextIndex | None:
    """The stored text of the source with this key, prepared for checks (one query), or
    None when it has none."""
    if source_id is None:
        return None
    text = SourceText.objects.filter(source_id=source_id).values_list("text", flat=True).first()
    return StoredTextIndex(text) if text is not None else None


def verify_quote(source: Source, quote: str) -> QuoteCheck:
    """Whether ``quote`` stands in ``source``'s stored text, and where.

    The contract the publish checks rely on: ``no_text`` when the source has no stored
    text, ``not_found`` when the quote is empty or not in it, else ``verified`` with its
    locator ("paragraph 6"). Reads the stored text in one query (none for an empty quote
    or an unsaved source)."""
    if not normalise(quote).replace(ELLIPSIS, "").strip():
        return NOT_FOUND
    return check_against(stored_text_index(source.pk), quote)


def record_check(citation: Citation, check: QuoteCheck) -> None:
    """Set what ``check`` found on ``citation`` (not saved): its status, when, and its
    locator when it has none."""
    citation.quote_status = check.status
    citation.quote_checked_at = timezone.now()
    if check.verified and not citation.locator.strip():
        citation.locator = check.locator


def check_citation_before_save(sender, instance: Citation, raw: bool = False, **kwargs) -> None:
    """``pre_save`` of a citation, however it is saved (the admin, a restore, a script):
    its quote is checked against its source's stored text, the result recorded, and an
    empty locator filled with where the quote was found.

    Rows loaded from a fixture or a backup (``raw``) keep the check they were saved with."""
    if raw:
        return
    record_check(instance, verify_quote(Source(pk=instance.source_id), instance.quote))


def recheck_citations(source_id: int) -> dict[Citation, QuoteCheck]:
    """Check every citation of a source again against its stored text as it is now, and
    record each one's status; returns each citation with what its check found.

    Only the status and its time are written (with ``update``, by status): re-checking
    edits no citation, so a citation's history, its entry's published version and what
    readers see stay as they are. An empty locator is filled when the citation is next
    saved, which goes through the entry's own workflow."""
    index = stored_text_index(source_id)
    now = timezone.now()
    results = {
        citation: check_against(index, citation.quote)
        for citation in Citation.objects.filter(source_id=source_id).order_by("pk")
    }
    for status in QuoteStatus:
        keys = [citation.pk for citation, check in results.items() if check.status == status]
        if keys:
            Citation.objects.filter(pk__in=keys).update(quote_status=status, quote_checked_at=now)
    for citation, check in results.items():
        citation.quote_status, citation.quote_checked_at = check.status, now
    return results


def recheck_after_text_change(sender, instance: SourceText, raw: bool = False, **kwargs) -> None:
    """``post_save`` and ``post_delete`` of a stored text: its source's citations are
    checked against what the source holds now."""
    if raw:
        return
    recheck_citations(instance.source_id)
