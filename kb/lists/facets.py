"""Facets: beside each filter option, how many results choosing it would give.

Each facet counts over the rows that match the query and every *other* chosen filter (so
ticking a second technology shows how many the wider choice gives).

Counting is done in memory, as search engines do it. Each facet's options come with the set
of entries carrying each, as a bitset (a Python int with bit ``pk`` set), read in one or two
queries once per content version (kb.lists.engine.per_content_version); a count is then
``(option & matching).bit_count()``, where six GROUP BY queries, one per facet, each
scanned every published tactic (docs/performance.md says what that buys).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Model, Q

from kb.models import Vocabulary, public_terms
from kb.models.translations import in_reading_language

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class FacetOption:
    """One option as a list shows it: how many results choosing it would give."""

    value: str
    label: StrOrPromise
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    """A facet as a list shows it, with every option counted."""

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


@dataclass(frozen=True)
class Option:
    """One option of a facet with the set of entries carrying it."""

    value: str
    label: StrOrPromise  # a choice's label stays lazy: shown in the reader's language
    members: int


class MembershipFacet:
    """A facet whose options are read with the entries carrying each (``load``)."""

    def load(self, model: type[Model]) -> list[Option]:
        """Every option in display order with its members (one or two queries)."""
        raise NotImplementedError


class TermFacet(MembershipFacet):
    """Counts per term of a vocabulary, reached from the terms through ``relation``."""

    def __init__(
        self, vocabulary: type[Vocabulary], relation: str, condition: Q | None = None
    ) -> None:
        self.vocabulary, self.relation, self.condition = vocabulary, relation, condition or Q()

    def load(self, model: type[Model]) -> list[Option]:
        terms = public_terms(self.vocabulary).order_by("position", in_reading_language("name"))
        links = (
            self.vocabulary._default_manager.filter(
                self.condition, **{f"{self.relation}__isnull": False}
            )
            .values_list("pk", f"{self.relation}__pk")
            .order_by()
        )
        entries: dict[int, list[int]] = {}
        for term, entry in links:
            entries.setdefault(term, []).append(entry)
        return [Option(t.slug, t.name, bitset(entries.get(t.pk, ()))) for t in terms]


class ChoiceFacet(MembershipFacet):
    """Counts per value of a field with fixed choices."""

    def __init__(self, field: str, choices: Sequence[tuple[str, StrOrPromise]]) -> None:
        self.field, self.choices = field, choices

    def load(self, model: type[Model]) -> list[Option]:
        entries: dict[str, list[int]] = {}
        for value, pk in model._default_manager.values_list(self.field, "pk").order_by():
            entries.setdefault(value, []).append(pk)
        return [Option(v, label, bitset(entries.get(v, ()))) for v, label in self.choices]
