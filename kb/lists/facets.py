"""Facet counts: beside each filter option, how many results choosing it would give.

Each facet counts over the rows that match the query and every *other* active filter (so
ticking a second technology shows how many the wider choice gives).

Counting is done in memory, as search engines do it. Each facet keeps, per option, the set
of entries carrying it as a bitset (a Python int with bit ``pk`` set), built in one query
and kept until the content version changes (kb.models.content: any change readers could see
raises it, on every application server at once). The matching rows become a bitset too,
and a count is ``(option & matching).bit_count()``. At 10,000 tactics this replaced six
GROUP BY queries of 5 to 15 ms each with one query for the matching ids; rebuilding the
sets after a change takes one query per facet.

The matching rows come as a queryset or as the results of a search, which already hold
their ids, so the full-text query is not run again for the facets. Without a search, when
every filter in use is a facet, the matching rows need no query at all: they are the
list's population (its base queryset's ids, kept the same way) intersected with the chosen
options' sets (see kb.lists.listing for the rows of such a list).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from kb.lists.listing import ids_in_order
from kb.models import ContentVersion
from kb.search import SearchResults


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    options: list[FacetOption]

    @property
    def active(self) -> bool:
        return any(option.selected for option in self.options)


def bitset(ids: Iterable[int]) -> int:
    """The set of ``ids`` as an int with those bits set."""
    ids = list(ids)
    if not ids:
        return 0
    bits = bytearray(max(ids) // 8 + 1)
    for pk in ids:
        bits[pk >> 3] |= 1 << (pk & 7)
    return int.from_bytes(bits, "little")


def matching_bitset(matching: QuerySet | SearchResults) -> int:
    """The matching rows as a bitset: one query for a queryset; a search's results already
    hold their ids."""
    if isinstance(matching, SearchResults):
        return bitset(matching.ids)
    return bitset(ids_in_order(matching.order_by()))


@dataclass(frozen=True)
class Option:
    """One option of a facet with the set of entries carrying it."""

    value: str
    label: str
    members: int


class MembershipFacet:
    """A facet whose options' member sets are kept per content version."""

    def __init__(self) -> None:
        self._kept: tuple[tuple, list[Option]] | None = None

    def load(self, model: type) -> list[Option]:
        """Every option in display order with its members (one or two queries)."""
        raise NotImplementedError

    def members(self, model: type, version: ContentVersion) -> list[Option]:
        """The options as of content ``version``, which the caller read *before* calling,
        so that what is kept under a version is never older than it. The version's time
        is part of the key: a database restored or rolled back to an earlier number holds
        other content under it."""
        kept = self._kept
        if kept is not None and kept[0] == version.key:
            return kept[1]
        options = self.load(model)
        self._kept = (version.key, options)
        return options

    def carrying(self, model: type, selected: set[str], version: ContentVersion) -> int:
        """The entries carrying any of the ``selected`` options, as a bitset: what the
        filter of the same name keeps."""
        members = 0
        for option in self.members(model, version):
            if option.value in selected:
                members |= option.members
        return members

    def options(
        self, model: type, matching: int, selected: set[str], version: ContentVersion
    ) -> list[FacetOption]:
        return [
            FacetOption(
                option.value,
                option.label,
                (option.members & matching).bit_count(),
                option.value in selected,
            )
            for option in self.members(model, version)
        ]


class TermFacet(MembershipFacet):
    """Counts per term of a vocabulary, reached from the terms through ``relation``."""

    def __init__(self, vocabulary: type, relation: str, condition: Q | None = None) -> None:
        super().__init__()
        self.vocabulary, self.relation, self.condition = vocabulary, relation, condition or Q()

    def load(self, model: type) -> list[Option]:
        terms = self.vocabulary.objects.order_by("position", "name")
        links = (
            self.vocabulary.objects.filter(self.condition, **{f"{self.relation}__isnull": False})
            .values_list("pk", f"{self.relation}__pk")
            .order_by()
        )
        entries: dict[int, list[int]] = {}
        for term, entry in links:
            entries.setdefault(term, []).append(entry)
        return [Option(t.slug, t.name, bitset(entries.get(t.pk, ()))) for t in terms]


class ChoiceFacet(MembershipFacet):
    """Counts per value of a field with fixed choices."""

    def __init__(self, field: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.field, self.choices = field, choices

    def load(self, model: type) -> list[Option]:
        entries: dict[str, list[int]] = {}
        for value, pk in model.objects.values_list(self.field, "pk").order_by():
            entries.setdefault(value, []).append(pk)
        return [Option(v, label, bitset(entries.get(v, ()))) for v, label in self.choices]
