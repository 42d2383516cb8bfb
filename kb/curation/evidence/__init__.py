"""Evidence: a source's full text, stored privately, and every citation's quote checked
against it.

- ``extraction``: pasted text and uploaded .txt, .html and .pdf files to plain text with
  its paragraphs (``from_pasted``, ``from_upload``; ``ExtractionError`` for bad input).
- ``quotes``: ``verify_quote(source, quote) -> QuoteCheck``, the check the publish checks
  call; the receivers that check a citation on every save and all of a source's citations
  when its text changes (connected in ``kb/apps.py``).

Curators use it from the admin (``kb/curation/admin/evidence.py``); ``manage.py
verify_quotes`` checks every citation again.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from kb.models import Source, SourceText

from .extraction import ExtractedText, ExtractionError, from_pasted, from_upload
from .quotes import (
    QuoteCheck,
    StoredTextIndex,
    normalise,
    recheck_citations,
    stored_text_index,
    verify_quote,
)

__all__ = [
    "ExtractedText",
    "ExtractionError",
    "QuoteCheck",
    "StoredTextIndex",
    "attach_text",
    "from_pasted",
    "from_upload",
    "normalise",
    "recheck_citations",
    "remove_text",
    "stored_text_index",
    "verify_quote",
]


@transaction.atomic
def attach_text(
    source: Source, extracted: ExtractedText, user: User | AnonymousUser | None
) -> SourceText:
    """Store ``extracted`` as ``source``'s text, replacing any it had; its citations are
    checked against it before this returns (``recheck_after_text_change``)."""
    attached_by = user if user is not None and user.is_authenticated else None
    stored, _ = SourceText.objects.update_or_create(
        source=source,
        defaults={
            "text": extracted.text,
            "original_format": extracted.original_format,
            "original_name": extracted.original_name,
            "attached_by": attached_by,
            "attached_at": timezone.now(),
        },
    )
    return stored


@transaction.atomic
def remove_text(source: Source) -> bool:
    """Remove ``source``'s stored text, if it has one (its citations become ``no_text``);
    whether there was one. The history keeps what it said."""
    stored = SourceText.objects.filter(source=source).first()
    if stored is None:
        return False
    stored.delete()
    return True
