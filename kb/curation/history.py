"""An entry's history as a story: one row per save, in the admin's words, with complete
differences, its indicators, citations and countermeasure links included; and any two
moments compared.

django-simple-history keeps a record of every save of an entry and of each of its parts.
One save through the admin writes several records (the entry, each part, then the step
taken under the form), a few milliseconds apart, by one person. ``saves`` groups records by
the same person less than ``SAVE_GAP`` apart into one save, and ``state_as_of`` rebuilds the
entry's whole state (the shape of kb.models.revisions.capture_state) at any moment, so that
kb.curation.diffs can say what each save changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import pgettext

from kb.models import Entry, Status
from kb.models.revisions import part_rows, parts_of, revised_fields, state_of
from kb.models.translations import Translatable

from .diffs import Change, compare
from .states import TRANSLATED_FROM

#: Records by one person closer than this are one save (an admin save takes milliseconds).
SAVE_GAP = timedelta(seconds=2)
#: Saves shown on one page of an entry's history.
SAVES_PER_PAGE = 20

_STATUS_LABELS = dict(Status.choices)


@dataclass
class Save:
    """One save of an entry and its parts: when, who, why, and what it changed."""

    started: datetime
    ended: datetime
    user: Any
    reasons: list[str] = field(default_factory=list)
    entry_record_id: int | None = None
    status_before: str = ""
    status_after: str = ""
    changes: list[Change] = field(default_factory=list)

    @property
    def status_change(self) -> str:
        """ "Draft → In review", or "" when the save left the status alone."""
        if self.status_before == self.status_after:
            return ""
        before = _STATUS_LABELS.get(
            self.status_before, pgettext("the status of an entry not saved before", "new")
        )
        return f"{before} → {_STATUS_LABELS.get(self.status_after, self.status_after)}"


def _records(entry: Entry) -> list[tuple[datetime, Any, Any]]:
    """Every record of the entry and of its parts: (moment, user id, the entry's record or
    None for a part's), oldest first."""
    model = type(entry)
    found: list[tuple[datetime, Any, Any]] = [
        (record.history_date, record.history_user_id, record)
        for record in model.history.filter(id=entry.pk).order_by("history_date")
    ]
    for part_model, owner in parts_of(model).values():
        part_records = part_model.history.filter(**{f"{owner}_id": entry.pk})  # type: ignore[attr-defined]
        found += [
            (moment, user, None)
            for moment, user in part_records.values_list("history_date", "history_user_id")
        ]
    found.sort(key=lambda item: item[0])
    return found


def saves(entry: Entry) -> list[Save]:
    """The entry's saves, newest first, without their changes (``with_changes`` adds them
    for the saves a page shows)."""
    grouped: list[Save] = []
    last_user: Any = object()
    users = _users({user for _, user, _ in _records(entry)})
    for moment, user, record in _records(entry):
        current = grouped[-1] if grouped else None
        if current is None or user != last_user or moment - current.ended > SAVE_GAP:
            current = Save(started=moment, ended=moment, user=users.get(user))
            grouped.append(current)
        current.ended = moment
        last_user = user
        if record is not None:
            current.entry_record_id = record.history_id
            current.status_after = record.status
            reason = record.history_change_reason or ""
            if reason and reason not in current.reasons:
                current.reasons.append(reason)
    previous_status = ""
    for save in grouped:
        save.status_before = previous_status
        save.status_after = save.status_after or previous_status
        previous_status = save.status_after
    grouped.reverse()
    return grouped


def _users(ids: set) -> dict:
    from django.contrib.auth import get_user_model

    return {user.pk: user for user in get_user_model().objects.filter(pk__in=ids - {None})}


def with_changes(entry: Entry, shown: list[Save]) -> list[Save]:
    """Fill in what each of ``shown`` (consecutive saves, newest first) changed."""
    model = type(entry)
    moments = [save.ended for save in shown]
    if shown:
        moments.append(shown[-1].started - timedelta(microseconds=1))
    states = {moment: state_as_of(model, entry.pk, moment) for moment in moments}
    for index, save in enumerate(shown):
        before = states[moments[index + 1]] or empty_state(model)
        after = states[moments[index]] or empty_state(model)
        save.changes = compare(model, before, after)
    return shown


def empty_state(model: type[Entry]) -> dict:
    """The state of an entry before it existed: nothing."""
    return {"fields": {}, "terms": {}, "parts": {name: [] for name in parts_of(model)}}


def state_as_of(model: type[Entry], pk: int, moment: datetime) -> dict | None:
    """The entry's whole state at ``moment`` from the history (None before it existed or
    after it was deleted): its fields, the terms whose history is kept, and its parts."""
    record = model.history.filter(id=pk, history_date__lte=moment).order_by("-history_date").first()
    if record is None or record.history_type == "-":
        return None
    fields = {field.attname: field.value_from_object(record) for field in revised_fields(model)}
    if issubclass(model, Translatable):  # what its translations were made from (see .states)
        fields[TRANSLATED_FROM] = record.translated_from
    # The terms whose history simple-history keeps (``m2m_fields``), each read from its
    # historical link table as the record's save left it.
    terms = {
        term_field.name: sorted(
            getattr(type(record), term_field.name)
            .filter(history=record)
            .values_list(f"{term_field.m2m_reverse_field_name()}_id", flat=True)
        )
        for term_field in type(record)._history_m2m_fields
    }
    parts = {
        name: part_rows(
            part_model,
            owner,
            part_model.history.as_of(moment).filter(**{f"{owner}_id": pk}),  # type: ignore[attr-defined]
        )
        for name, (part_model, owner) in parts_of(model).items()
    }
    return state_of(fields, terms, parts)
