"""Search results that evaluate the full-text query once per request.

Counting the matches, showing one page and counting facets all need the same set of rows.
Instead of asking the engine three times, ``SearchResults`` fetches the ordered ids of every
match in one query, then the rows of the page shown by primary key. It behaves enough like a
queryset for Django's and DRF's paginators.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import QuerySet

if TYPE_CHECKING:
    from . import SearchOutcome


@models.IntegerField.register_lookup
class Among(models.Lookup):
    """``pk__among=[...]``: membership in a list of ids passed as one parameter, so lists
    longer than the database's limit on query parameters work too."""

    lookup_name = "among"
    prepare_rhs = False

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # A semi-join on unnest() is hashed; "= ANY(array)" would scan the array per row.
        return f"{lhs} IN (SELECT unnest(%s::bigint[]))", [*lhs_params, [int(v) for v in self.rhs]]

    def as_sqlite(self, compiler, connection):
        import json

        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = json.dumps([int(v) for v in self.rhs])
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*lhs_params, ids]


def rows_in_order(queryset: QuerySet, ids: list[int]) -> list:
    """The rows of ``queryset`` whose primary keys are ``ids``, in that order, in one query
    (with the queryset's related rows). A row deleted meanwhile is simply left out."""
    found = queryset.filter(pk__among=ids).in_bulk() if ids else {}
    return [found[pk] for pk in ids if pk in found]


class SearchResults:
    """The matches of a search in rank order (or another ``order_by``), fetched lazily."""

    ordered = True  # for Paginator's unordered-list warning

    def __init__(
        self,
        rows: QuerySet,
        strict: QuerySet,
        relaxed: QuerySet | None,
        outcome: SearchOutcome,
        ordering: tuple = ("-search_rank", "pk"),
    ) -> None:
        self.rows, self.strict, self.relaxed = rows, strict, relaxed
        self.outcome, self.ordering = outcome, ordering
        self.model = rows.model

    def order_by(self, *ordering) -> SearchResults:
        return SearchResults(self.rows, self.strict, self.relaxed, self.outcome, ordering)

    @cached_property
    def ids(self) -> list[int]:
        """Primary keys of every match, in order. When no row matches every word, the
        search relaxes to rows matching any of them (and the outcome says so)."""
        found = list(self.strict.order_by(*self.ordering).values_list("pk", flat=True))
        if not found and self.relaxed is not None:
            found = list(self.relaxed.order_by(*self.ordering).values_list("pk", flat=True))
            self.outcome.relaxed = bool(found)
        # DISTINCT may not collapse rows that differ only in their rank column.
        return list(dict.fromkeys(found))

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index : index + 1][0]
        return rows_in_order(self.rows, self.ids[index])
