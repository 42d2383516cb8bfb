"""The matrix of tactics: stages (or categories) as columns, a bounded number of tactics in
each, whatever the size of the knowledge base.

A column lists its first tactics by name and links to the full, filtered list for the rest:
a knowledge base of thousands would otherwise make a page of megabytes. The
tactic list's engine gives the matching tactics in name order and each column's members and
count; a column takes its first tactics from them, and those are loaded in one query.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import QueryDict
from django.urls import reverse

from kb.lists import ListResult
from kb.models import Category, Stage, Tactic
from kb.models.translations import translated_columns_of

PER_COLUMN = 25
"""How many tactics a column lists before it links to the rest."""


@dataclass
class MatrixColumn:
    """One column: its stage or category, how many tactics it holds, the first of them, and
    the address of the tactic list filtered to all of them."""

    term: Stage | Category
    count: int = 0
    tactics: list[Tactic] = field(default_factory=list)
    all_url: str = ""

    @property
    def more(self) -> int:
        """How many of its tactics the column does not list."""
        return self.count - len(self.tactics)


def build_matrix(tactics: ListResult, by: str, filters: QueryDict) -> list[MatrixColumn]:
    """The columns of the matrix of the ``tactics`` a list found, by ``"stage"`` or
    ``"category"``; ``filters`` (the matrix's own query) are carried into each column's link
    to the full list."""
    terms = {term.slug: term for term in (Stage if by == "stage" else Category).objects.all()}
    counts = {option.value: option.count for option in tactics.facet(by).options}
    columns, members = [], []
    for option in tactics.options(by):
        if option.value in terms:
            columns.append(MatrixColumn(terms[option.value], counts[option.value]))
            members.append(
                option.members.to_bytes((option.members.bit_length() + 7) // 8, "little")
            )
    first: list[list[int]] = [[] for _ in columns]
    # Each column is open until it holds its first tactics (or all it has).
    wanting = {n: min(column.count, PER_COLUMN) for n, column in enumerate(columns) if column.count}
    for pk in tactics.rows.iter_ids():
        if not wanting:
            break
        byte, bit = pk >> 3, 1 << (pk & 7)
        for n in [n for n in wanting if byte < len(members[n]) and members[n][byte] & bit]:
            first[n].append(pk)
            if len(first[n]) == wanting[n]:
                del wanting[n]
    wanted = {pk for ids in first for pk in ids}
    loaded = Tactic.objects.only(
        "public_id", "slug", *translated_columns_of(Tactic, "name")
    ).in_bulk(wanted)
    for column, ids in zip(columns, first, strict=True):
        column.tactics = [loaded[pk] for pk in ids if pk in loaded]
        query = filters.copy()
        for name in ("by", "page", "q"):
            query.pop(name, None)
        query[by] = column.term.slug
        column.all_url = f"{reverse('kb:tactic-list')}?{query.urlencode()}"
    return columns
