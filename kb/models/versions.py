"""Published versions: numbered points in an entry's history that readers can cite.

The history itself (every change to every entry and its indicators, citations and links,
who made it and when) is kept by django-simple-history. A published version only marks a
moment of that history: "version 3 of TT-0001, published on this date, because ...". Its
content is rebuilt from the history as of that moment, so there is one revision mechanism.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy


class PublishedVersion(models.Model):
    """Version ``number`` of a tactic, countermeasure or source, as published at a moment."""

    tactic = models.ForeignKey(
        "kb.Tactic", on_delete=models.CASCADE, null=True, blank=True, related_name="versions"
    )
    countermeasure = models.ForeignKey(
        "kb.Countermeasure",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="versions",
    )
    source = models.ForeignKey(
        "kb.Source", on_delete=models.CASCADE, null=True, blank=True, related_name="versions"
    )
    number = models.PositiveIntegerField()
    published_at = models.DateTimeField(default=timezone.now, db_index=True)
    note = models.CharField(max_length=200, help_text=gettext_lazy("What changed, in one line."))

    class Meta:
        verbose_name = gettext_lazy("published version")
        verbose_name_plural = gettext_lazy("published versions")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(tactic__isnull=False, countermeasure=None, source=None)
                    | Q(countermeasure__isnull=False, tactic=None, source=None)
                    | Q(source__isnull=False, tactic=None, countermeasure=None)
                ),
                name="kb_publishedversion_one_entry",
            ),
            models.UniqueConstraint(fields=["tactic", "number"], name="kb_version_tactic_number"),
            models.UniqueConstraint(
                fields=["countermeasure", "number"], name="kb_version_countermeasure_number"
            ),
            models.UniqueConstraint(fields=["source", "number"], name="kb_version_source_number"),
        ]

    def __str__(self) -> str:
        return f"{self.entry.public_id} v{self.number}"

    def get_absolute_url(self) -> str:
        """The version's permanent link: the entry exactly as published then."""
        entry = self.entry
        kind = type(entry)._meta.model_name
        return reverse(f"kb:{kind}-version", args=[entry.public_id, self.number])

    @property
    def entry(self):
        return self.tactic or self.countermeasure or self.source


def record_version(entry, note: str, at: datetime | None = None) -> PublishedVersion:
    """Number and record the entry's state as published now, or ``at`` (the caller has
    saved it and everything around it: indicators, citations, links)."""
    kind = type(entry)._meta.model_name
    latest = PublishedVersion.objects.filter(**{kind: entry}).aggregate(n=Max("number"))["n"]
    return PublishedVersion.objects.create(
        **{kind: entry},
        number=(latest or 0) + 1,
        note=note[:200] or "Updated",
        published_at=at or timezone.now(),
    )
