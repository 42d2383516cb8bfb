"""The one list engine: a list's parameters in, the matching rows, their count, the facet
counts and what the search did out. The HTML lists, the API lists and the matrix all call
``EntryList.run``, so they cannot disagree.

    candidates   the rows a search matches, in order (one query: a search has to rank every
                 match anyway); without a search, every row of the list in the chosen order
    matching     the candidates carrying the chosen facet options (in memory, see
                 kb.lists.facets), counted without a query
    page         the first matching candidates along the order, loaded by primary key

What the engine keeps in memory between requests (each list's rows in each order, each
facet's member sets) is keyed by the content version, so it is rebuilt after every change
readers could see (``per_content_version``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import islice
from typing import Any, TypeVar, overload

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.http import QueryDict

from kb.models import ContentVersion, Entry, canonical_public_id, current_content_version
from kb.models.translations import reading_language
from kb.search import Search, SearchableQuerySet, SearchOutcome

from .facets import Facet, FacetOption, Option, bitset
from .filters import KnowledgeBaseFilterSet

T = TypeVar("T")

_built: dict[str, tuple[tuple, Any]] = {}


def per_content_version(name: str, version: ContentVersion, build: Callable[[], T]) -> T:
    """``build()``, run once per content version in this process and reused until the
    version changes. ``version`` must have been read before anything ``build`` reads, so that
    what is reused under a version is never older than it."""
    found = _built.get(name)
    if found is not None and found[0] == version.key:
        return found[1]
    value = build()
    _built[name] = (version.key, value)
    return value


def ids_in_order(queryset: QuerySet) -> list[int]:
    """The primary keys of ``queryset`` in its order, in one fetch (iterating through the ORM
    builds each row, four times slower for thousands of ids)."""
    try:
        sql, params = queryset.values_list("pk").query.sql_with_params()
    except EmptyResultSet:  # .none(), or a filter that can match nothing
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [pk for (pk,) in cursor.fetchall()]


class Matches(Sequence):
    """The matching rows of a list in order, as paginators read them: their number known
    without a query, and each slice loaded by primary key in one query (with the list's
    related rows)."""

    def __init__(self, rows: QuerySet, candidates: Sequence[int], matching: int | None) -> None:
        self.rows, self.candidates, self.matching = rows, candidates, matching
        self.model = rows.model

    @cached_property
    def _count(self) -> int:
        return len(self.candidates) if self.matching is None else self.matching.bit_count()

    def __len__(self) -> int:
        return self._count

    def ids(self, start: int = 0, stop: int | None = None) -> list[int]:
        """The ids of the matching rows from ``start`` to ``stop``, in order."""
        return list(islice(self.iter_ids(), start, stop))

    def iter_ids(self) -> Iterator[int]:
        """The ids of the matching rows, in order, one at a time."""
        if self.matching is None:
            return iter(self.candidates)
        bits = self.matching.to_bytes((self.matching.bit_length() + 7) // 8, "little")
        limit = len(bits) * 8
        return (pk for pk in self.candidates if pk < limit and bits[pk >> 3] >> (pk & 7) & 1)

    def __iter__(self) -> Iterator[Any]:
        """Every matching row, in order, loaded a hundred at a time."""
        for start in range(0, self._count, 100):
            yield from self[start : start + 100]

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, int):
            return self[index : index + 1][0]
        if index.step not in (None, 1):
            raise TypeError("Matches are read in order, a page (a slice) at a time.")
        wanted = self.ids(index.start or 0, index.stop)
        found = self.rows.filter(pk__in=wanted).in_bulk() if wanted else {}
        return [found[pk] for pk in wanted if pk in found]


class ListResult:
    """What a list shows: its parameters (with what was not understood), the matching rows,
    what the search did (None without one) and, when asked for, every facet with its counts
    (the API's lists never ask, so they never load a facet they do not filter by)."""

    def __init__(
        self,
        entries: EntryList,
        parameters: KnowledgeBaseFilterSet,
        version: ContentVersion,
        candidates: Sequence[int],
        everything: int,
        search: SearchOutcome | None,
    ) -> None:
        self.entries, self.parameters, self.version = entries, parameters, version
        self.search = search
        self.everything = everything
        self.chosen = {
            name: _carrying(self.options(name), parameters.selected(name))
            for name in parameters.facets
            if parameters.selected(name)
        }
        matching = everything
        for members in self.chosen.values():
            matching &= members
        self.rows = Matches(entries.rows(), candidates, matching if self.chosen else None)

    def options(self, name: str) -> list[Option]:
        """Facet ``name``'s options with their member sets, built once per content version
        and reading language (the options' labels and order are in the reader's language)."""
        facet = self.parameters.facets[name]
        return per_content_version(
            f"{self.entries.name}:facet:{name}:{reading_language()}",
            self.version,
            lambda: facet.load(self.entries.rows().model),
        )

    def facet(self, name: str) -> Facet:
        """Facet ``name`` with each option's count: the rows that choosing it would give,
        under the search and every other facet's choice (its own choice does not narrow
        them)."""
        counted = self.everything
        for other, members in self.chosen.items():
            if other != name:
                counted &= members
        selected = self.parameters.selected(name)
        options = [
            FacetOption(o.value, o.label, (o.members & counted).bit_count(), o.value in selected)
            for o in self.options(name)
        ]
        return Facet(name, self.parameters.filters[name].label, options)

    @cached_property
    def facets(self) -> list[Facet]:
        return [self.facet(name) for name in self.parameters.facets]


@dataclass(frozen=True)
class EntryList:
    """One public list: its parameters, and the rows it lists (published ones, loaded with
    what a row shows)."""

    name: str
    parameters: type[KnowledgeBaseFilterSet]
    rows: Callable[[], SearchableQuerySet]
    #: The kinds of entry the list shows, which a search may name by permanent ID.
    kinds: tuple[type[Entry], ...]

    def entry_named(self, text: str) -> Entry | None:
        """The public entry of this list's kinds that ``text`` names by its permanent ID, as
        people type it ("TT-0003", "tt3"), if any (one query when it is an ID)."""
        for model in self.kinds:
            public_id = canonical_public_id(text, model.PUBLIC_ID_PREFIX)
            if public_id is not None:
                return model.objects.public().filter(public_id=public_id).first()
        return None

    def run(self, data: QueryDict | dict, version: ContentVersion | None = None) -> ListResult:
        """The list as ``data`` (a query string) asks for it, at content ``version`` (the
        page cache's, when it read one for this request)."""
        version = version or current_content_version()
        parameters = self.parameters(data)
        parameters.is_valid()  # cleans the form: what is not understood is left out
        rows = self.rows()
        search = None
        if parameters.text:
            search = Search.prepare(parameters.text, correct=not parameters.exact)
        if search is not None and not search:
            search = None  # only very common words: nothing to look for (the page says so)
        order_name, ordering = parameters.ordering(searching=search is not None)
        if search is None:
            base = rows.order_by()
            candidates: Sequence[int] = per_content_version(
                # Orders by name differ by language (each sorts its own names).
                f"{self.name}:{order_name}:{reading_language()}",
                version,
                lambda: ids_in_order(base.order_by(*ordering)),
            )
            everything = per_content_version(
                f"{self.name}:all:{reading_language()}", version, lambda: bitset(candidates)
            )
            return ListResult(self, parameters, version, candidates, everything, None)
        every_word = search.every_word(rows)
        found = rows.search(search, every_word=every_word).order_by(*ordering)
        candidates = ids_in_order(found)
        outcome = SearchOutcome(search, every_word)
        return ListResult(self, parameters, version, candidates, bitset(candidates), outcome)


def _carrying(options: list[Option], selected: set[str]) -> int:
    """The entries carrying any of the ``selected`` options, as a bitset."""
    members = 0
    for option in options:
        if option.value in selected:
            members |= option.members
    return members
