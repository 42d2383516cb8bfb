"""Suggestions from the field: corrections, sources and new tactics that readers send
through the public form (kb.reading.suggestions), for reviewers to accept or dismiss.

Nothing here is ever public. A suggestion is not an entry: it is not listed, searched,
versioned, downloaded or cached, and saving one does not raise the content version. A
reviewer who accepts one turns it into a draft (a new tactic) or makes the change on the
entry's own change form, where the usual review applies before anything is published.

No address of the sender is stored: the rate limit counts in the cache, under a keyed hash
of the address that expires within the hour (kb.reading.suggestions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .workflow import Entry, format_public_id, parse_public_id

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class SuggestionKind(models.TextChoices):
    """What the sender offers."""

    CORRECTION = "correction", _("A correction to an entry")
    SOURCE = "source", _("A source (a report, an article, a study)")
    NEW_TACTIC = "new_tactic", _("A new tactic")


class SuggestionStatus(models.TextChoices):
    """Where a suggestion stands: new until a reviewer accepts or dismisses it."""

    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted")
    DISMISSED = "dismissed", _("Dismissed")


class SuggestionQuerySet(models.QuerySet):
    def awaiting_review(self) -> Self:
        """Suggestions no reviewer has handled yet, oldest first (the review queue)."""
        return self.filter(status=SuggestionStatus.NEW).order_by("created_at", "pk")


SuggestionManager = models.Manager.from_queryset(SuggestionQuerySet)


def entry_models() -> dict[str, type[Entry]]:
    """Each kind of entry by its public ID prefix (TT, CM, SR)."""
    from .countermeasures import Countermeasure
    from .sources import Source
    from .tactics import Tactic

    return {model.PUBLIC_ID_PREFIX: model for model in (Tactic, Countermeasure, Source)}


def public_entry_named(public_id: str) -> Entry | None:
    """The published or retired entry that ``public_id`` names in any spelling ("tt-3"),
    or None: a draft is never named to the public, not even to say it exists."""
    parsed = parse_public_id(public_id)
    if parsed is None or parsed[0] not in entry_models():
        return None
    model = entry_models()[parsed[0]]
    return model.objects.public().filter(public_id=format_public_id(*parsed)).first()


class Suggestion(models.Model):
    """A correction, a source or a new tactic suggested by a reader, awaiting a reviewer.

    ``about`` is the permanent ID of the public entry the suggestion concerns, as text:
    IDs are never reused, so it names the entry even after the entry is deleted. Contact
    details are optional and shown only in the admin. ``draft`` is what an accepted "new
    tactic" became; an accepted correction or source is made on the entry's change form.
    """

    kind = models.CharField(_("what it is"), max_length=16, choices=SuggestionKind.choices)
    about = models.CharField(
        _("about the entry"),
        max_length=16,
        blank=True,
        help_text=_("The permanent ID of the public entry it concerns, if any."),
    )
    message = models.TextField(_("message"))
    link = models.URLField(_("link to a source"), max_length=1000, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.NEW,
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    reviewer_note = models.TextField(_("reviewer's note"), blank=True)
    draft = models.ForeignKey(
        "kb.Tactic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("draft created"),
        help_text=_("The draft tactic an accepted “new tactic” suggestion became."),
    )

    objects: ClassVar[SuggestionManager] = SuggestionManager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        indexes = [models.Index(fields=["status", "created_at"], name="suggestion_queue_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SuggestionStatus.values),
                name="%(app_label)s_%(class)s_valid_status",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SuggestionKind.values),
                name="%(app_label)s_%(class)s_valid_kind",
            ),
        ]

    def __str__(self) -> str:
        about = f" {self.about}" if self.about else ""
        return f"#{self.pk} {self.get_kind_display()}{about}: {Truncator(self.message).chars(50)}"

    @property
    def is_new(self) -> bool:
        return self.status == SuggestionStatus.NEW

    def entry(self) -> Entry | None:
        """The entry the suggestion is about, whatever its status now (one query), or None
        when it names none or the entry has been deleted since."""
        parsed = parse_public_id(self.about) if self.about else None
        model = entry_models().get(parsed[0]) if parsed else None
        return model.objects.filter(public_id=self.about).first() if model else None

    def mark_handled(self, status: str, user: User, note: str = "") -> None:
        """Record a reviewer's decision (the caller saves)."""
        self.status = status
        self.handled_by = user
        self.handled_at = timezone.now()
        self.reviewer_note = note
