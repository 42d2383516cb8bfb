"""Lists filtered by facets alone, paged without asking the database which rows match.

When no search is made and every filter in use is a facet, the matching rows are known in
memory (kb.lists.facets: the list's population intersected with the chosen options' sets). The
page's rows then come from the population's ids kept in the chosen sort order: walk that
order, keep the ids that match, and load just those rows by primary key. At 10,000
tactics this replaced a filtered, sorted, counted query (5 ms to plan and run, for every
page) with a lookup of 20 rows by key.

The population and its orders are read in one query each and kept, per process, until
the content version changes, like the facets' sets: every change readers could see raises
it (kb.models.content), on every application server at once.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice
from typing import Any

from django.db import connections
from django.db.models import QuerySet

from kb.models import ContentVersion
from kb.search.results import rows_in_order

MAX_KEPT = 64
_kept: dict[tuple, tuple[tuple, Any]] = {}


def ids_in_order(queryset: QuerySet) -> list[int]:
    """The primary keys of ``queryset`` in its order, in one fetch. Iterating a queryset
    fetches 100 rows at a time and builds each row through the ORM: 6 ms for 9,000 ids,
    against 1.5."""
    sql, params = queryset.values_list("pk").query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [pk for (pk,) in cursor.fetchall()]


def kept(queryset: QuerySet, version: ContentVersion, build: Callable[[list[int]], Any]) -> Any:
    """``build`` applied to the ids of ``queryset`` (in its order), as of content
    ``version``, which the caller read *before* calling, so that what is kept under a
    version is never older than it. Kept per query and per ``build``."""
    sql, params = queryset.values_list("pk").query.sql_with_params()
    key = (queryset.db, sql, tuple(params), build)
    found = _kept.get(key)
    if found is not None and found[0] == version.key:
        return found[1]
    value = build(ids_in_order(queryset))
    if len(_kept) >= MAX_KEPT and key not in _kept:
        _kept.clear()
    _kept[key] = (version.key, value)
    return value


class FacetedRows:
    """The rows of ``queryset`` whose ids are in the bitset ``matching``, in the order of
    ``order`` (ids), as the paginator pages through them: counted without a query, and
    each slice loaded by primary key with the queryset's related rows."""

    def __init__(self, queryset: QuerySet, matching: int, order: list[int]) -> None:
        self.queryset, self.matching, self.order = queryset, matching, order

    def count(self) -> int:
        return self.matching.bit_count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("FacetedRows are read a page (a slice) at a time.")
        bits = self.matching.to_bytes((self.matching.bit_length() + 7) // 8, "little")
        limit = len(bits) * 8
        matching = (pk for pk in self.order if pk < limit and bits[pk >> 3] >> (pk & 7) & 1)
        return rows_in_order(self.queryset, list(islice(matching, index.start or 0, index.stop)))
