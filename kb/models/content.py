"""The version of the published content as a whole: the key to every cached public page.

Every change to anything readers can see raises the version inside the change's own
transaction (``content_changed``); once that transaction commits, ``content_version_changed``
is sent. The model layer knows nothing of who listens: the page cache does (kb.caching).
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import models, transaction
from django.db.models import F
from django.db.models.functions import Now
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal
from django.utils import timezone

#: Sent after the commit of any change readers could see (sender: ContentVersion).
content_version_changed = Signal()

# The version of a database where nothing has changed yet.
BEFORE_ANY_CHANGE = datetime(2000, 1, 1, tzinfo=UTC)


class ContentVersion(models.Model):
    """One row: a counter that goes up whenever anything readers can see may have changed,
    and when it last did.

    Kept in the database, so every application server reads the same value; cached pages
    record the version they show, so a change makes every cached page stale at once, and
    conditional requests compare it without rendering anything.
    """

    number = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"content version {self.number}"

    @property
    def etag(self) -> str:
        """The ETag of a public page rendered at this version today (the day is part of
        it: entry pages show today's date in their citations)."""
        return f'"kb-{self.number}-{timezone.localdate():%Y%m%d}"'

    @property
    def key(self) -> tuple[int, datetime]:
        """What identifies this version among all others, a restored database's included:
        a database restored or rolled back to an earlier number holds other content under
        it, but not at the same moment."""
        return self.number, self.changed_at


def current_content_version(*, for_update: bool = False) -> ContentVersion:
    """The content version as committed (one indexed query). ``for_update`` also locks its
    row until the caller's transaction ends, which waits for a change being committed."""
    versions = ContentVersion.objects.filter(pk=1)
    found = (versions.select_for_update() if for_update else versions).first()
    return found or ContentVersion(number=0, changed_at=BEFORE_ANY_CHANGE)


def content_changed() -> None:
    """Record that published content may have changed, inside the caller's transaction, so
    that readers see the new version exactly when they can see the change."""
    if not ContentVersion.objects.filter(pk=1).update(number=F("number") + 1, changed_at=Now()):
        ContentVersion.objects.get_or_create(pk=1)
    transaction.on_commit(_announce, robust=True)


def _announce() -> None:
    content_version_changed.send(sender=ContentVersion)


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
    from .help import HelpOrganisation
    from .search import SynonymGroup
    from .sources import Citation, Source
    from .tactics import Indicator, Tactic
    from .versions import PublishedVersion
    from .vocabularies import Actor, Category, Platform, Stage, TargetGroup, Technology

    for model in (
        Tactic, Countermeasure, Source, Indicator, Citation, Mitigation, PublishedVersion,
        Category, Technology, Platform, Stage, TargetGroup, Actor, SynonymGroup, HelpOrganisation,
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
