"""What happens to an entry between its public versions: pending revisions of public
entries, reviewers' comments, and the status changes readers are told about.

A pending revision holds the whole proposed state of an entry (its fields, its terms, and
its indicators, citations and countermeasure links) as JSON, so the live rows never change
until a reviewer publishes it. ``capture_state`` and ``apply_state`` translate between an
entry's rows and that state; kb.curation.revisions decides when they run.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .workflow import Entry

if TYPE_CHECKING:
    from django.db.models import Model

ENTRY_KINDS = ("tactic", "countermeasure", "source")

#: Fields an entry's state leaves out: identity, status and timestamps belong to the live
#: entry, not to a proposal.
NOT_REVISED = {"id", "public_id", "status", "created_at", "updated_at", "published_at"}


def entry_foreign_keys(related_name: str) -> tuple[models.ForeignKey, ...]:
    """The three optional keys (tactic, countermeasure, source) of a record about exactly
    one entry, each reached from the entry as ``related_name``."""
    return tuple(
        models.ForeignKey(
            f"kb.{kind}", on_delete=models.CASCADE, null=True, blank=True, related_name=related_name
        )
        for kind in ENTRY_KINDS
    )


def one_entry(name: str) -> models.CheckConstraint:
    """Exactly one of a record's three entry keys is set."""
    return models.CheckConstraint(
        condition=Q(tactic__isnull=False, countermeasure=None, source=None)
        | Q(countermeasure__isnull=False, tactic=None, source=None)
        | Q(source__isnull=False, tactic=None, countermeasure=None),
        name=name,
    )


def about(entry: Entry) -> dict[str, Entry]:
    """The keyword that points a record at ``entry``: ``{"tactic": entry}`` and the like."""
    return {type(entry)._meta.model_name or "": entry}


class AboutEntry(models.Model):
    """A record about one tactic, countermeasure or source."""

    class Meta:
        abstract = True

    @property
    def entry(self) -> Entry:
        entry = self.tactic or self.countermeasure or self.source  # type: ignore[attr-defined]
        assert entry is not None
        return entry


class StatusChange(AboutEntry):
    """An entry left public view or came back: retired, withdrawn or reinstated, when and
    why. Its page and change log tell readers (the person who did it is for staff only)."""

    tactic, countermeasure, source = entry_foreign_keys("status_changes")
    status = models.CharField(
        max_length=16, help_text=gettext_lazy("The status the entry moved to.")
    )
    reason = models.TextField(blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = gettext_lazy("status change")
        verbose_name_plural = gettext_lazy("status changes")
        ordering = ["-changed_at", "-pk"]
        constraints = [one_entry("kb_statuschange_one_entry")]

    def __str__(self) -> str:
        return f"{self.entry.public_id} {self.status} {self.changed_at:%Y-%m-%d}"


class RevisionStatus(models.TextChoices):
    """Where a pending revision stands. Only DRAFT and IN_REVIEW are open: an entry has
    at most one open revision."""

    DRAFT = "draft", gettext_lazy("Being edited")
    IN_REVIEW = "in_review", gettext_lazy("In review")
    PUBLISHED = "published", gettext_lazy("Published")
    DISCARDED = "discarded", gettext_lazy("Discarded")


OPEN_REVISION = [RevisionStatus.DRAFT, RevisionStatus.IN_REVIEW]


class RevisionQuerySet(models.QuerySet):
    def open(self) -> RevisionQuerySet:
        """Revisions still being edited or reviewed."""
        return self.filter(status__in=OPEN_REVISION)


class Revision(AboutEntry):
    """A proposed change to a public entry, reviewed before it replaces the live page.

    ``proposed`` is the entry's whole state as proposed (see ``capture_state``); ``based_on``
    the live state it started from, so a reviewer sees what the proposal changes even if
    the live entry changed since.
    """

    tactic, countermeasure, source = entry_foreign_keys("revisions")
    status = models.CharField(
        max_length=16, choices=RevisionStatus.choices, default=RevisionStatus.DRAFT
    )
    proposed = models.JSONField(encoder=DjangoJSONEncoder)
    based_on = models.JSONField(encoder=DjangoJSONEncoder)
    note = models.CharField(gettext_lazy("what changed"), max_length=200, blank=True)
    minor = models.BooleanField(
        default=False,
        help_text=gettext_lazy("Published as a correction, without a new version number."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = RevisionQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("pending revision")
        verbose_name_plural = gettext_lazy("pending revisions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            one_entry("kb_revision_one_entry"),
            *(
                models.UniqueConstraint(
                    fields=[kind],
                    condition=Q(status__in=OPEN_REVISION),
                    name=f"kb_revision_one_open_per_{kind}",
                )
                for kind in ENTRY_KINDS
            ),
        ]

    def __str__(self) -> str:
        return _("Revision of %(id)s (%(status)s)") % {
            "id": self.entry.public_id,
            "status": self.get_status_display().lower(),
        }

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REVISION


class ReviewComment(AboutEntry):
    """What a reviewer asked for when sending something back, or why an entry left public
    view: shown to staff on the entry, mailed to the people it concerns."""

    tactic, countermeasure, source = entry_foreign_keys("review_comments")
    revision = models.ForeignKey(
        Revision, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("review comment")
        verbose_name_plural = gettext_lazy("review comments")
        ordering = ["-created_at", "-pk"]
        constraints = [one_entry("kb_reviewcomment_one_entry")]

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:60]}"


# --- an entry's state --------------------------------------------------------------------


def revised_fields(model: type[Entry]) -> list[models.Field]:
    """The entry's own fields a revision may change (foreign keys as their ids)."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.name not in NOT_REVISED and field.editable
    ]


def revised_terms(model: type[Entry]) -> list[models.ManyToManyField]:
    """The many-to-many fields a revision carries (not ``tactics``, whose links are parts)."""
    return [
        field
        for field in model._meta.many_to_many
        if isinstance(field, models.ManyToManyField)
        and field.remote_field.through is not None
        and field.remote_field.through._meta.auto_created
    ]


def part_fields(model: type[Model], owner: str) -> list[models.Field]:
    """The fields of a part (indicator, citation, link) a state records: all but the key
    to the entry that owns it and bookkeeping the part keeps itself."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.name not in {"id", owner} and field.editable
    ]


def parts_of(model: type[Entry]) -> dict[str, tuple[type[Model], str]]:
    """A kind of entry's parts by relation name: the part model and its key to the entry."""
    return {
        name: (getattr(model, name).rel.related_model, getattr(model, name).field.name)
        for name in model.REVISED_PARTS
    }


def capture_state(entry: Entry) -> dict[str, Any]:
    """The entry's whole state as JSON-ready data, read from the database: ``fields``
    (by attribute name), ``terms`` (sorted ids) and ``parts`` (rows with their ids)."""
    model = type(entry)
    fresh = model._default_manager.get(pk=entry.pk)
    fields = {field.attname: field.value_from_object(fresh) for field in revised_fields(model)}
    terms = {
        field.name: sorted(getattr(fresh, field.name).values_list("pk", flat=True))
        for field in revised_terms(model)
    }
    parts = {
        name: part_rows(part_model, owner, part_model._default_manager.filter(**{owner: entry}))
        for name, (part_model, owner) in parts_of(model).items()
    }
    return state_of(fields, terms, parts)


def part_rows(part_model: type[Model], owner: str, rows: Iterable[Model]) -> list[dict]:
    """Parts as a state records them: each row's id and fields, by id."""
    recorded = part_fields(part_model, owner)
    return [
        {"id": row.pk} | {field.attname: field.value_from_object(row) for field in recorded}
        for row in sorted(rows, key=lambda row: row.pk)
    ]


def state_of(fields: dict, terms: dict, parts: dict) -> dict[str, Any]:
    """A state from its three parts, through JSON and back, so that a state read from rows
    and one stored as JSON compare equal."""
    return json.loads(
        json.dumps({"fields": fields, "terms": terms, "parts": parts}, cls=DjangoJSONEncoder)
    )


def _missing(field: models.Field, value: Any) -> bool:
    """Whether ``value`` of the foreign key ``field`` names a row that no longer exists."""
    if not field.is_relation or value in (None, ""):
        return False
    related = field.related_model
    assert related is not None and not isinstance(related, str)
    return not related._default_manager.filter(pk=value).exists()


def apply_state(entry: Entry, state: dict[str, Any], *, keep_part_ids: bool) -> list[str]:
    """Make the entry's rows say what ``state`` says: its fields, terms and parts (parts
    missing from the state are deleted, new ones created). Returns what could not be
    applied, in plain words: a state may name a term, source or entry deleted since it was
    kept (the entry's own field then keeps its value, the part is left out).

    A part the live entry does not have yet carries a temporary id in a pending revision.
    With ``keep_part_ids`` (an edit or a preview, always rolled back) it is created under
    that id, so that a form showing it posts back an id that exists again next time; when
    a revision is published, it gets an ordinary new id.
    """
    model = type(entry)
    left_out = []
    for field in revised_fields(model):
        if field.attname in state["fields"]:
            value = state["fields"][field.attname]
            if _missing(field, value):
                left_out.append(
                    _("%(field)s #%(value)s no longer exists; kept as it is.")
                    % {"field": field.verbose_name, "value": value}
                )
                continue
            taken = field.unique and (
                model._default_manager.filter(**{field.attname: value}).exclude(pk=entry.pk)
            )
            if taken and taken.exists():
                left_out.append(
                    _("the %(field)s “%(value)s” belongs to another entry now; kept as it is.")
                    % {"field": field.verbose_name, "value": value}
                )
                continue
            setattr(entry, field.attname, field.to_python(value))
    entry.save()
    for field in revised_terms(model):
        if field.name in state["terms"]:
            related = field.related_model
            assert related is not None and not isinstance(related, str)
            wanted_terms = set(state["terms"][field.name])
            present = set(
                related._default_manager.filter(pk__in=wanted_terms).values_list("pk", flat=True)
            )
            if gone_terms := len(wanted_terms - present):
                left_out.append(
                    ngettext(
                        "%(field)s: %(count)d no longer exists.",
                        "%(field)s: %(count)d no longer exist.",
                        gone_terms,
                    )
                    % {"field": field.verbose_name, "count": gone_terms}
                )
            getattr(entry, field.name).set(present)
    for name, (part_model, owner) in parts_of(type(entry)).items():
        rows = state["parts"].get(name, [])
        existing = {row.pk: row for row in part_model._default_manager.filter(**{owner: entry})}
        wanted = {row["id"] for row in rows if row.get("id") in existing}
        for pk, row in existing.items():
            if pk not in wanted:
                row.delete()
        for data in rows:
            fields = part_fields(part_model, owner)
            gone = [f for f in fields if f.attname in data and _missing(f, data[f.attname])]
            if gone:
                left_out.append(
                    _("A %(part)s was left out: its %(field)s no longer exists.")
                    % {"part": part_model._meta.verbose_name, "field": gone[0].verbose_name}
                )
                continue
            part = existing.get(data.get("id"))
            if part is None:
                part = part_model(**{owner: entry})
                # Its temporary id again, unless a row has that id (a live part moved to
                # another entry since): then a new one.
                reusable = data.get("id") is not None and not (
                    part_model._default_manager.filter(pk=data["id"]).exists()
                )
                if keep_part_ids and reusable:
                    part.pk = data["id"]
            for field in fields:
                if field.attname in data:
                    setattr(part, field.attname, field.to_python(data[field.attname]))
            part.save(force_insert=part._state.adding)
    return left_out
