"""The review queue on the admin's front page: everything that waits for a reviewer, oldest
first, with who sent it and where to read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Min
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kb.models import Countermeasure, Entry, Revision, RevisionStatus, Source, Status, Tactic
from kb.models.suggestions import Suggestion

from .diffs import changed_labels
from .workflow import first_author

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ENTRY_MODELS: tuple[type[Entry], ...] = (Tactic, Countermeasure, Source)
#: The most a queue shows at once, the longest waiting (the page says how many wait).
QUEUE_LENGTH = 50

#: How the queue names what waits, by the kind of entry: a new one, or a change to one.
NEW_ENTRY: dict[type[Entry], StrOrPromise] = {
    Tactic: gettext_lazy("New tactic"),
    Countermeasure: gettext_lazy("New countermeasure"),
    Source: gettext_lazy("New source"),
}
CHANGED_ENTRY: dict[type[Entry], StrOrPromise] = {
    Tactic: gettext_lazy("Change to a tactic"),
    Countermeasure: gettext_lazy("Change to a countermeasure"),
    Source: gettext_lazy("Change to a source"),
}


@dataclass(frozen=True)
class Awaiting:
    """One thing in the queue."""

    kind: str
    title: str
    sent_by: str
    sent_at: datetime
    url: str
    changes: tuple[str, ...] = ()
    review_permission: str = ""


def _name(user) -> str:
    if user is None:
        return _("someone")
    return user.get_full_name() or user.get_username()


def _admin_url(entry: Entry, page: str = "change") -> str:
    meta = type(entry)._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{page}", args=[entry.pk])


def _new_entries(model: type[Entry]) -> list[Awaiting]:
    """Entries never published that were sent to review (the longest waiting): when they
    were (their first record in review) and by whom."""
    waiting = model.objects.filter(status=Status.IN_REVIEW).order_by("updated_at")
    entries = list(waiting[:QUEUE_LENGTH])
    if not entries:
        return []
    sent = dict(
        model.history.filter(id__in=[e.pk for e in entries], status=Status.IN_REVIEW)
        .values("id")
        .annotate(at=Min("history_date"))
        .values_list("id", "at")
    )
    senders = {
        record.id: record.history_user
        for record in model.history.filter(id__in=[e.pk for e in entries], status=Status.IN_REVIEW)
        .select_related("history_user")
        .order_by("-history_date")
    }
    label = str(NEW_ENTRY[model])
    return [
        Awaiting(
            label,
            entry.labelled,
            _name(senders.get(entry.pk) or first_author(entry)),
            sent.get(entry.pk) or entry.updated_at,
            _admin_url(entry),
        )
        for entry in entries
    ]


def _revisions() -> list[Awaiting]:
    revisions = (
        Revision.objects.filter(status=RevisionStatus.IN_REVIEW)
        .select_related("author", "tactic", "countermeasure", "source")
        .order_by("submitted_at", "pk")[:QUEUE_LENGTH]
    )
    return [
        Awaiting(
            str(CHANGED_ENTRY[type(revision.entry)]),
            revision.entry.labelled,
            _name(revision.author),
            revision.submitted_at or revision.updated_at,
            _admin_url(revision.entry, "revision"),
            tuple(changed_labels(type(revision.entry), revision.based_on, revision.proposed)),
            revision.entry.review_permission(),
        )
        for revision in revisions
    ]


def _suggestions() -> list[Awaiting]:
    return [
        Awaiting(
            _("Suggestion"),
            str(suggestion),
            _("a reader"),
            suggestion.created_at,
            reverse("admin:kb_suggestion_change", args=[suggestion.pk]),
        )
        for suggestion in Suggestion.objects.awaiting_review()[:QUEUE_LENGTH]
    ]


@dataclass(frozen=True)
class ReviewQueue:
    """The longest-waiting things a reviewer may act on, oldest first, and how many wait."""

    items: list[Awaiting]
    total: int


def review_queue(user: User | AnonymousUser) -> ReviewQueue:
    """What waits for ``user`` to review: empty for anyone who reviews nothing."""
    queue: list[Awaiting] = []
    total = 0
    for model in ENTRY_MODELS:
        if user.has_perm(model.review_permission()):
            queue += _new_entries(model)
            total += model.objects.filter(status=Status.IN_REVIEW).count()
            total += Revision.objects.filter(
                status=RevisionStatus.IN_REVIEW, **{f"{model._meta.model_name}__isnull": False}
            ).count()
    if user.has_perm(Tactic.review_permission()):
        queue += _suggestions()
        total += Suggestion.objects.awaiting_review().count()
    queue += [awaiting for awaiting in _revisions() if user.has_perm(awaiting.review_permission)]
    return ReviewQueue(sorted(queue, key=lambda awaiting: awaiting.sent_at)[:QUEUE_LENGTH], total)
