"""Entries as readers saw them at the moments their versions were published, read from
django-simple-history's tables for many versions at once.

A published version marks a moment of an entry's history (kb.models.versions). What a
reader saw then is the entry's historical record as of that moment, with its red flags,
its citations of sources that were published then, and its links to entries on the other
side that were published then, exactly as a version page rebuilds it
(kb.reading.versions). Here the records of every entry, part and linked entry that a list
of versions needs are read in a fixed number of queries (one per historical table), then
each moment is looked up in memory.

Pending revisions never touch the live rows (kb.models.revisions), so the history at a
version's moment holds only what was published: nothing a reviewer has not approved, no
comment and no name of whoever made the change is read here.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q

from kb.models import Citation, Countermeasure, Entry, Indicator, Mitigation, Source, Status, Tactic
from kb.reading.versions import _history

#: A tactic's links name countermeasures, a countermeasure's name tactics.
OTHER_SIDE: dict[type[Entry], tuple[str, type[Entry]]] = {
    Tactic: ("countermeasure_id", Countermeasure),
    Countermeasure: ("tactic_id", Tactic),
}


class Timeline:
    """The historical records of some rows of one model, each row's oldest first, and
    which rows belong to which owner (a part's entry)."""

    def __init__(self, records: Iterable[Any], *owners: str) -> None:
        self._records: dict[int, list[Any]] = defaultdict(list)
        self._owned: dict[tuple[str, int], set[int]] = defaultdict(set)
        for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
            self._records[record.id].append(record)
            for owner in owners:
                if (owner_id := getattr(record, owner)) is not None:
                    self._owned[owner, owner_id].add(record.id)
        self._dates = {pk: [r.history_date for r in rows] for pk, rows in self._records.items()}

    def as_of(self, pk: int, moment: datetime) -> Any | None:
        """Row ``pk`` as it stood at ``moment`` (None before it existed or once deleted)."""
        index = bisect_right(self._dates.get(pk, []), moment)
        if not index:
            return None
        record = self._records[pk][index - 1]
        return None if record.history_type == "-" else record

    def owned_as_of(self, owner: str, owner_id: int, moment: datetime) -> dict[int, Any]:
        """The rows whose ``owner`` was ``owner_id`` at ``moment``, by id."""
        rows = {}
        for pk in self._owned.get((owner, owner_id), ()):
            record = self.as_of(pk, moment)
            if record is not None and getattr(record, owner) == owner_id:
                rows[pk] = record
        return rows


EMPTY = Timeline(())


@dataclass
class Snapshot:
    """An entry as readers saw it at one moment: its record, and its parts by id (only
    citations of sources published then, and links to entries published then)."""

    record: Any
    indicators: dict[int, Any] = field(default_factory=dict)
    citations: dict[int, Any] = field(default_factory=dict)
    links: dict[int, Any] = field(default_factory=dict)


class PublishedHistory:
    """The history that the moments ``wanted`` (entry kind → entry id → moments) need,
    read once: every query here is one per historical table, whatever the number of
    entries and versions."""

    def __init__(self, wanted: dict[type[Entry], dict[int, set[datetime]]]) -> None:
        moments = [m for by_id in wanted.values() for ms in by_id.values() for m in ms]
        until = max(moments) if moments else None
        tactics = set(wanted.get(Tactic, {}))
        countermeasures = set(wanted.get(Countermeasure, {}))
        ids: dict[type[Entry], set[int]] = {
            model: set(wanted.get(model, {})) for model in (Tactic, Countermeasure, Source)
        }
        self.indicators, self.citations, self.links = EMPTY, EMPTY, EMPTY
        if tactics or countermeasures:
            own = Q(tactic_id__in=tactics) | Q(countermeasure_id__in=countermeasures)
            if tactics:
                self.indicators = Timeline(
                    _history(Indicator).filter(tactic_id__in=tactics, history_date__lte=until),
                    "tactic_id",
                )
            citations = list(_history(Citation).filter(own, history_date__lte=until))
            self.citations = Timeline(citations, "tactic_id", "countermeasure_id")
            links = list(_history(Mitigation).filter(own, history_date__lte=until))
            self.links = Timeline(links, "tactic_id", "countermeasure_id")
            ids[Source] |= {c.source_id for c in citations}
            ids[Countermeasure] |= {link.countermeasure_id for link in links}
            ids[Tactic] |= {link.tactic_id for link in links}
        self.entries = {
            model: Timeline(_history(model).filter(id__in=pks, history_date__lte=until))
            for model, pks in ids.items()
            if pks
        }
        self.terms: dict[int, dict[str, frozenset[int]]] = defaultdict(dict)
        for model, by_id in wanted.items():
            records = [
                record
                for pk, moments in by_id.items()
                for moment in moments
                if (record := self.entry_as_of(model, pk, moment)) is not None
            ]
            self._read_terms(records)

    def _read_terms(self, records: list[Any]) -> None:
        """The terms (stages, platforms...) each of ``records`` carried: one query per
        many-to-many field whose history is kept."""
        if not records:
            return
        historical = type(records[0])
        ids = {record.history_id for record in records}
        for term_field in historical._history_m2m_fields:
            carried: dict[int, set[int]] = defaultdict(set)
            rows = _history(historical, term_field.name).filter(history_id__in=ids)
            term = f"{term_field.m2m_reverse_field_name()}_id"
            for history_id, term_id in rows.values_list("history_id", term):
                carried[history_id].add(term_id)
            for history_id in ids:
                self.terms[history_id][term_field.name] = frozenset(carried[history_id])

    def entry_as_of(self, model: type[Entry], pk: int, moment: datetime) -> Any | None:
        """The entry's record at ``moment`` (None if it did not exist then)."""
        timeline = self.entries.get(model)
        return timeline.as_of(pk, moment) if timeline else None

    def published_as_of(self, model: type[Entry], pk: int, moment: datetime) -> Any | None:
        """The entry's record at ``moment`` if it was published then, else None."""
        record = self.entry_as_of(model, pk, moment)
        return record if record is not None and record.status == Status.PUBLISHED else None

    def snapshot(self, model: type[Entry], pk: int, moment: datetime) -> Snapshot | None:
        """The entry as readers saw it at ``moment`` (None if it did not exist then)."""
        record = self.entry_as_of(model, pk, moment)
        if record is None:
            return None
        snapshot = Snapshot(record)
        if model is Source:
            return snapshot
        owner = f"{model._meta.model_name}_id"
        if model is Tactic:
            snapshot.indicators = self.indicators.owned_as_of(owner, pk, moment)
        snapshot.citations = {
            cid: citation
            for cid, citation in self.citations.owned_as_of(owner, pk, moment).items()
            if self.published_as_of(Source, citation.source_id, moment)
        }
        other, other_model = OTHER_SIDE[model]
        snapshot.links = {
            lid: link
            for lid, link in self.links.owned_as_of(owner, pk, moment).items()
            if self.published_as_of(other_model, getattr(link, other), moment)
        }
        return snapshot
