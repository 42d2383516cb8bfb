"""The editorial life of an entry: public IDs, status and the transitions between statuses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.contrib.auth import get_permission_codename
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kb.search import SearchableQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.db.models.fields.related_descriptors import RelatedManager
    from django_stubs_ext import StrOrPromise

    from .revisions import ReviewComment, Revision, StatusChange
    from .versions import PublishedVersion


class Status(models.TextChoices):
    """Where an entry stands in the editorial workflow.

    Only PUBLISHED entries are listed, counted and searched. A RETIRED entry (superseded or
    out of date) and a WITHDRAWN one (taken out of public view, with a reason) leave every
    list but keep their pages, so links in old course material still land somewhere that
    explains what happened. An entry that was ever published never goes back to DRAFT.
    """

    DRAFT = "draft", gettext_lazy("Draft")
    IN_REVIEW = "in_review", gettext_lazy("In review")
    PUBLISHED = "published", gettext_lazy("Published")
    RETIRED = "retired", gettext_lazy("Retired")
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")


#: The statuses whose entries have a page anyone may open (lists show PUBLISHED only).
PUBLIC_STATUSES = (Status.PUBLISHED, Status.RETIRED, Status.WITHDRAWN)


class WorkflowError(Exception):
    """A status change that the workflow does not allow from the entry's current status."""


@dataclass(frozen=True)
class Transition:
    """One step of the workflow: which statuses it leaves from and where it leads.

    Contributors may send their drafts to review; every other step is a reviewer's
    (``reviewers_only``), so nothing reaches or leaves the public without one. Some steps
    need a comment (``needs_comment``): what to change, or why an entry leaves public view.
    ``label`` names the step on buttons and in messages, in the language of the page.
    """

    name: str
    label: StrOrPromise
    sources: frozenset[str]
    target: str
    reviewers_only: bool = True
    needs_comment: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "send_to_review",
            gettext_lazy("Send to review"),
            frozenset({Status.DRAFT}),
            Status.IN_REVIEW,
            reviewers_only=False,
        ),
        # Publishing always passes through review; a retired or withdrawn entry may be
        # reinstated.
        Transition(
            "publish",
            gettext_lazy("Publish"),
            frozenset({Status.IN_REVIEW, Status.RETIRED, Status.WITHDRAWN}),
            Status.PUBLISHED,
        ),
        # Only what was never public goes back to draft: a public entry's page, versions
        # and change log must keep answering (its changes go through pending revisions).
        Transition(
            "return_to_draft",
            gettext_lazy("Request changes"),
            frozenset({Status.IN_REVIEW}),
            Status.DRAFT,
            needs_comment=True,
        ),
        Transition("retire", gettext_lazy("Retire"), frozenset({Status.PUBLISHED}), Status.RETIRED),
        Transition(
            "withdraw",
            gettext_lazy("Withdraw"),
            frozenset({Status.PUBLISHED, Status.RETIRED}),
            Status.WITHDRAWN,
            needs_comment=True,
        ),
    )
}


class PublicIdCounter(models.Model):
    """The last number handed out for one public ID prefix (TT, CM, SR).

    Numbers only ever go up, so an ID whose entry was deleted is never handed out again.
    """

    prefix = models.CharField(primary_key=True, max_length=4)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last_number}"


#: A public ID as typed in an address: any case, any zero padding ("TT-0001", "tt-1").
PUBLIC_ID_PATTERN = "[A-Za-z]{2}-[0-9]{1,9}"
#: Words that name other pages under an entry's address, so no slug may be one of them.
RESERVED_SLUG = "changes|v[0-9]+"
#: A slug in an address: never a public ID nor a reserved word, so that /tactics/<ID>/,
#: /tactics/<ID>/changes/ and /tactics/<slug>/ can never be confused.
ENTRY_SLUG_PATTERN = rf"(?!(?:{PUBLIC_ID_PATTERN}|{RESERVED_SLUG})/)[-a-zA-Z0-9_]+"


def validate_entry_slug(slug: str) -> None:
    """Refuse the slugs the site's addresses need for other pages (see ENTRY_SLUG_PATTERN)."""
    if re.fullmatch(f"{PUBLIC_ID_PATTERN}|{RESERVED_SLUG}", slug):
        raise ValidationError(
            gettext_lazy(
                "“%(slug)s” names another page under an entry's address; choose another slug."
            ),
            code="reserved_slug",
            params={"slug": slug},
        )


def format_public_id(prefix: str, number: int) -> str:
    return f"{prefix}-{number:04d}"


_TYPED_PUBLIC_ID = re.compile(r"\s*([A-Za-z]{2})[\s-]?([0-9]{1,9})\s*")


def parse_public_id(public_id: str) -> tuple[str, int] | None:
    """Split a public ID as people type it ('TT-0012', 'tt-12', 'tt12', 'TT 12') into
    ('TT', 12); None if it is not one."""
    found = _TYPED_PUBLIC_ID.fullmatch(public_id)
    if found is None:
        return None
    return found[1].upper(), int(found[2])


def canonical_public_id(text: str, prefix: str) -> str | None:
    """The canonical spelling of a typed ID ('tt-1' -> 'TT-0001'), or None if ``text`` is not
    an ID with ``prefix``."""
    parsed = parse_public_id(text)
    if parsed is None or parsed[0] != prefix:
        return None
    return format_public_id(*parsed)


def reserve_loaded_public_id(sender: type, instance: Entry, raw: bool, **kwargs) -> None:
    """post_save receiver (connected by kb.apps): loaddata and restores bypass Entry.save(),
    which is where IDs are allocated, so the counters must learn of loaded IDs."""
    if raw:
        reserve_public_id(instance.public_id)


def allocate_public_id(prefix: str) -> str:
    """Hand out the next public ID for ``prefix``, safely under concurrent saves.

    The UPDATE takes the row's write lock before the number is read, so two saves at
    once queue up on both PostgreSQL and SQLite instead of reading the same number.
    """
    with transaction.atomic():
        counters = PublicIdCounter.objects.filter(prefix=prefix)
        if not counters.update(last_number=F("last_number") + 1):
            PublicIdCounter.objects.get_or_create(prefix=prefix)
            counters.update(last_number=F("last_number") + 1)
        number = counters.values_list("last_number", flat=True).get()
    return format_public_id(prefix, number)


def reserve_public_id(public_id: str) -> None:
    """Make sure the counter never hands out ``public_id`` again.

    Fixtures and restores load rows with their IDs already set, bypassing allocation.
    """
    parsed = parse_public_id(public_id)
    if parsed is None:
        return
    prefix, number = parsed
    PublicIdCounter.objects.get_or_create(prefix=prefix)
    PublicIdCounter.objects.filter(prefix=prefix, last_number__lt=number).update(last_number=number)


def may_preview(user: User | AnonymousUser, model: type[models.Model]) -> bool:
    """Whether ``user`` may see entries of ``model`` that are not public: staff with the
    permission to view (or change) them in the admin, as the admin itself decides, signed
    in with their second factor (django-otp's ``is_verified``; the password alone is not)."""
    if not (user.is_active and user.is_staff and getattr(user, "is_verified", lambda: False)()):
        return False
    app, name = model._meta.app_label, model._meta.model_name
    return user.has_perm(f"{app}.view_{name}") or user.has_perm(f"{app}.change_{name}")


class EntryQuerySet(SearchableQuerySet):
    """Visibility rules shared by every kind of entry; ``search()`` finds them by their
    search document."""

    def published(self) -> Self:
        """Entries that appear in lists, counts and search."""
        return self.filter(status=Status.PUBLISHED)

    def public(self) -> Self:
        """Entries whose own page anyone may open: published, and retired or withdrawn ones
        (which say so)."""
        return self.filter(status__in=PUBLIC_STATUSES)

    def visible_to(self, user: User | AnonymousUser) -> Self:
        """What ``user`` may open: staff who may view this kind of entry in the admin
        preview its drafts and entries in review; anyone else sees public entries only."""
        return self.all() if may_preview(user, self.model) else self.public()

    def for_page(self) -> Self:
        """Load everything an entry's page shows, in a fixed number of queries (each kind
        of entry says what that is)."""
        raise NotImplementedError


EntryManager = models.Manager.from_queryset(EntryQuerySet)


class Entry(models.Model):
    """What tactics, countermeasures and sources share: a permanent public ID, a slug and a
    status in the editorial workflow."""

    PUBLIC_ID_PREFIX: str = ""
    #: The rows edited with the entry (reverse relations): a pending revision carries them.
    REVISED_PARTS: tuple[str, ...] = ()

    public_id = models.CharField(
        gettext_lazy("ID"),
        max_length=16,
        unique=True,
        editable=False,
        help_text=gettext_lazy("Permanent; assigned on first save and never reused."),
    )
    slug = models.SlugField(max_length=200, unique=True, validators=[validate_entry_slug])
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=gettext_lazy(
            "For a retired or withdrawn entry: the entry readers should use instead."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=gettext_lazy("When the entry was first published."),
    )

    objects: ClassVar[EntryManager] = EntryManager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="%(app_label)s_%(class)s_valid_status"
            ),
            models.CheckConstraint(
                condition=~Q(replaced_by=F("pk")),
                name="%(app_label)s_%(class)s_not_replaced_by_itself",
            ),
        ]

    if TYPE_CHECKING:
        # Declared by each kind of entry: its revision history (django-simple-history), its
        # published versions, and the note the admin gives the history.
        history: ClassVar[Any]
        versions: RelatedManager[PublishedVersion]
        status_changes: RelatedManager[StatusChange]
        revisions: RelatedManager[Revision]
        review_comments: RelatedManager[ReviewComment]
        _change_reason: str

    def save(self, *args, **kwargs) -> None:
        if not self.public_id:
            self.public_id = allocate_public_id(self.PUBLIC_ID_PREFIX)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The entry's canonical page: /tactics/TT-0001/<slug>/ and the like."""
        return reverse(f"kb:{self._meta.model_name}-detail", args=[self.public_id, self.slug])

    @property
    def labelled(self) -> str:
        """The entry as staff pages and mail name it: its ID, then its name or title."""
        name = getattr(self, "name", None) or getattr(self, "title", "")
        return f"{self.public_id} {name}"

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_retired(self) -> bool:
        return self.status == Status.RETIRED

    @property
    def is_withdrawn(self) -> bool:
        return self.status == Status.WITHDRAWN

    @property
    def is_public(self) -> bool:
        """Whether anyone may open the entry's page (published, retired or withdrawn)."""
        return self.status in PUBLIC_STATUSES

    @property
    def was_published(self) -> bool:
        """Whether the entry was ever public: then it is never deleted, nor returned to
        draft, and its edits go through pending revisions."""
        return self.published_at is not None or self.is_public

    @property
    def public_replacement(self) -> Entry | None:
        """For a retired or withdrawn entry, the published entry readers should use
        instead, if any."""
        replacement = self.replaced_by if self.status in PUBLIC_STATUSES[1:] else None
        return replacement if replacement is not None and replacement.is_published else None

    def can_apply(self, transition_name: str) -> bool:
        return self.status in TRANSITIONS[transition_name].sources

    @classmethod
    def review_permission(cls) -> str:
        """The permission of reviewers: publish, request changes (return to draft), retire,
        and edit entries that are no longer drafts."""
        return f"{cls._meta.app_label}.review_{cls._meta.model_name}"

    def may_apply(self, user: User | AnonymousUser, transition_name: str) -> bool:
        """Whether ``user``'s role allows the transition (whatever the entry's status)."""
        if TRANSITIONS[transition_name].reviewers_only:
            return user.has_perm(self.review_permission())
        return user.has_perm(
            f"{self._meta.app_label}.{get_permission_codename('change', self._meta)}"
        )

    def editable_by(self, user: User | AnonymousUser) -> bool:
        """Contributors edit drafts, and propose changes to public entries (pending
        revisions, which never change the live page); an entry in review is a reviewer's."""
        return self.status != Status.IN_REVIEW or user.has_perm(self.review_permission())

    def apply(self, transition_name: str) -> None:
        """Move the entry along the workflow (the caller saves it)."""
        transition = TRANSITIONS[transition_name]
        if self.status not in transition.sources:
            raise WorkflowError(
                _("%(id)s is %(status)s; “%(step)s” does not apply to it.")
                % {
                    "id": self.public_id,
                    "status": self.get_status_display().lower(),
                    "step": transition.label,
                }
            )
        self.status = transition.target
        if transition.target == Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
