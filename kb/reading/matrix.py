"""The matrix of tactics: stages (or categories) as columns, a bounded number of tactics in
each, whatever the size of the knowledge base.

A column lists its first tactics by name and links to the full, filtered list for the rest:
at 10,000 tactics, listing every one made a page of 2.7 MB that took seconds to build. Each
column's first tactics come from one window-function query, and the counts from another.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import QueryDict
from django.urls import reverse

from kb.models import Category, Stage, Tactic

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


def build_matrix(tactics: QuerySet[Tactic], by: str, filters: QueryDict) -> list[MatrixColumn]:
    """The columns of the matrix of ``tactics`` by ``"stage"`` or ``"category"``; ``filters``
    (the matrix's own query) are carried into each column's link to the full list."""
    chosen = tactics.values("pk")
    if by == "stage":
        terms = Stage.objects.all()
        rows = Tactic.stages.through.objects.filter(tactic__in=chosen)
        column, order = "stage_id", ("tactic__name", "tactic_id")
        ranked = rows.select_related("tactic").only(
            "stage_id", "tactic__name", "tactic__public_id", "tactic__slug"
        )
    else:
        terms = Category.objects.all()
        rows = Tactic.objects.filter(pk__in=chosen)
        column, order = "category_id", ("name", "pk")
        ranked = rows.only("category_id", "name", "public_id", "slug")
    columns = {term.pk: MatrixColumn(term) for term in terms}
    for term_id, count in rows.order_by().values_list(column).annotate(n=Count("*")):
        if term_id in columns:
            columns[term_id].count = count
    first = ranked.annotate(
        rank=Window(RowNumber(), partition_by=[F(column)], order_by=[F(name) for name in order])
    ).filter(rank__lte=PER_COLUMN)
    for row in first.order_by(column, "rank"):
        if (target := columns.get(getattr(row, column))) is not None:
            target.tactics.append(row.tactic if by == "stage" else row)
    for matrix_column in columns.values():
        query = filters.copy()
        for name in ("by", "page", "q"):
            query.pop(name, None)
        query[by] = matrix_column.term.slug
        matrix_column.all_url = f"{reverse('kb:tactic-list')}?{query.urlencode()}"
    return list(columns.values())
