"""The evidence behind citations, kept for curators only: a source's stored text, what
checking each quote against it found, and what a source's links answered when last checked.

A source's stored text is the article itself, which is copyrighted: it lives in a table of
its own (``SourceText``), never on ``Source``, so that nothing that serialises sources (the
API, the downloads, public fixtures) can carry it by accident.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .history import History


class QuoteStatus(models.TextChoices):
    """What checking a citation's quote against its source's stored text found.

    ``verify_quote`` (kb.curation.evidence) answers one of the last three; a citation that
    has never been checked (saved before checks existed, or written in bulk) is
    ``unchecked`` until ``manage.py verify_quotes`` or its next save."""

    UNCHECKED = "unchecked", _("Not checked yet")
    NO_TEXT = "no_text", _("No stored text for this source")
    VERIFIED = "verified", _("Found in the stored text")
    NOT_FOUND = "not_found", _("Quote not found in the stored text")


class TextFormat(models.TextChoices):
    """How a stored text reached kb: the format it was extracted from."""

    PASTED = "pasted", _("Pasted")
    TEXT = "text", _("Text file")
    HTML = "html", _("HTML file")
    PDF = "pdf", _("PDF file")


class SourceText(models.Model):
    """The full text of a source, stored privately to check citations' quotes against.

    ``text`` is plain text, one paragraph per block, blocks separated by a blank line;
    "paragraph N" in a citation's locator counts those blocks from 1. Staff see it in the
    admin; no public page, API answer or download reads this table."""

    source = models.OneToOneField(
        "kb.Source", on_delete=models.CASCADE, related_name="stored_text", verbose_name=_("source")
    )
    text = models.TextField(_("text"))
    original_format = models.CharField(
        _("original format"), max_length=10, choices=TextFormat.choices
    )
    original_name = models.CharField(
        _("file name"), max_length=255, blank=True, help_text=_("The uploaded file's name.")
    )
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attached by"),
    )
    attached_at = models.DateTimeField(_("attached at"))

    # Who replaced a text, and what it said before: the quotes' checks depend on it.
    history = History()

    class Meta:
        verbose_name = _("stored text")
        verbose_name_plural = _("stored texts")
        constraints = [
            models.CheckConstraint(
                condition=Q(original_format__in=TextFormat.values),
                name="kb_sourcetext_valid_format",
            )
        ]

    def __str__(self) -> str:
        return str(_("Stored text of %(source)s") % {"source": self.source})

    @property
    def paragraphs(self) -> list[str]:
        """The text's paragraphs in order: "paragraph 1" is the first."""
        return split_paragraphs(self.text)


def split_paragraphs(text: str) -> list[str]:
    """A stored text's paragraphs: its blocks between blank lines, each with its line
    breaks kept (a PDF's lines), empty blocks left out."""
    blocks = (block.strip() for block in text.replace("\r\n", "\n").split("\n\n"))
    return [block for block in blocks if block]


class LinkKind(models.TextChoices):
    """Which of a source's links a check is about."""

    URL = "url", _("URL")
    ARCHIVE_URL = "archive_url", _("Archived copy URL")


class LinkCheck(models.Model):
    """What a source's link answered when ``manage.py check_links`` last asked: one row
    per source and link, replaced at every check."""

    source = models.ForeignKey(
        "kb.Source",
        on_delete=models.CASCADE,
        related_name="link_checks",
        verbose_name=_("source"),
    )
    link = models.CharField(_("link"), max_length=20, choices=LinkKind.choices)
    url = models.URLField(_("URL checked"), max_length=1000)
    checked_at = models.DateTimeField(_("checked at"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    final_url = models.URLField(
        _("final URL"), max_length=1000, blank=True, help_text=_("Where redirects led.")
    )
    error = models.CharField(_("error"), max_length=500, blank=True)
    ok = models.BooleanField(_("working"), default=False)
    broken_since = models.DateTimeField(
        _("broken since"),
        null=True,
        blank=True,
        help_text=_("The first of the checks in a row that found the link broken."),
    )

    class Meta:
        verbose_name = _("link check")
        verbose_name_plural = _("link checks")
        ordering = ["ok", "source__title", "link"]  # broken links first
        constraints = [
            models.UniqueConstraint(fields=["source", "link"], name="kb_linkcheck_one_per_link"),
            models.CheckConstraint(
                condition=Q(link__in=LinkKind.values), name="kb_linkcheck_valid_link"
            ),
        ]
        indexes = [models.Index(fields=["ok", "checked_at"], name="linkcheck_ok_idx")]

    def __str__(self) -> str:
        return f"{self.url} ({self.answer})"

    @property
    def answer(self) -> str:
        """What the link answered, in a few words: "200", "404", or the error."""
        if self.error:
            return self.error
        return str(self.status_code) if self.status_code is not None else ""
