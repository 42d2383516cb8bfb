"""The version of the published content as a whole: the key to every cached public page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.db.models import F
from django.db.models.functions import Now
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone


class ContentVersion(models.Model):
    """One row: a counter that goes up whenever anything readers can see may have changed.

    Kept in the database, so every application server reads the same value, with or
    without a shared cache; cached pages are keyed by it, so a change makes every cached
    page stale at once, and conditional requests compare it without rendering anything.
    """

    number = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"content version {self.number}"


@dataclass(frozen=True)
class ContentState:
    number: int
    changed_at: datetime

    @property
    def etag(self) -> str:
        """The ETag of a public page rendered at this version today (the day is part of
        it: entry pages show today's date in their citations)."""
        return f'"kb-{self.number}-{timezone.localdate():%Y%m%d}"'


def current_content() -> ContentState:
    """The current content version (one indexed query)."""
    row = ContentVersion.objects.filter(pk=1).values_list("number", "changed_at").first()
    if row is None:
        return ContentState(0, timezone.now().replace(year=2000))
    return ContentState(*row)


def content_changed() -> None:
    """Record that published content may have changed (inside the caller's transaction, so
    readers see the new version exactly when they can see the change)."""
    from kb.caching.store import page_store

    if not ContentVersion.objects.filter(pk=1).update(number=F("number") + 1, changed_at=Now()):
        ContentVersion.objects.get_or_create(pk=1)
    page_store().forget_version()


def _content_saved_or_deleted(sender, raw: bool = False, action: str = "post_", **kwargs) -> None:
    from kb import bulk

    if raw or bulk.in_progress() or not action.startswith("post_"):
        return
    content_changed()


def watch_content() -> None:
    """Raise the content version on every save, delete or link change of anything readers
    can see (connected once, by kb.apps). Fixture loading (``raw``) and bulk operations
    (``kb.bulk.operation()``) are left to their callers, which raise it once at the end."""
    from .countermeasures import Countermeasure, Mitigation
    from .search import SynonymGroup
    from .sources import Citation, Source
    from .tactics import Indicator, Tactic
    from .versions import PublishedVersion
    from .vocabularies import Actor, Category, Platform, Stage, TargetGroup, Technology

    for model in (
        Tactic, Countermeasure, Source, Indicator, Citation, Mitigation, PublishedVersion,
        Category, Technology, Platform, Stage, TargetGroup, Actor, SynonymGroup,
    ):  # fmt: skip
        post_save.connect(_content_saved_or_deleted, sender=model, dispatch_uid=f"kb-save-{model}")
        post_delete.connect(_content_saved_or_deleted, sender=model, dispatch_uid=f"kb-del-{model}")
    links = (
        Tactic.technologies.through, Tactic.platforms.through, Tactic.stages.through,
        Tactic.target_groups.through, Tactic.related_tactics.through, Countermeasure.actors.through,
    )  # fmt: skip
    for through in links:
        m2m_changed.connect(
            _content_saved_or_deleted, sender=through, dispatch_uid=f"kb-m2m-{through}"
        )
