"""CSV files, one per kind of record, that open cleanly in spreadsheet programs.

UTF-8 with a byte order mark (so spreadsheet programs read accents right), every field
quoted where needed, list values joined with "; ". Text that a spreadsheet would run as a
formula (starting with =, +, -, @, tab or carriage return) gets a leading apostrophe, which
spreadsheets show as text: a whole cell, and each item of a joined list, since a reader may
split a list into cells of its own. Text that starts with an apostrophe gets one more, so
the guard can always be taken off again: ``read_cell`` does so for a cell, ``read_list``
for each item of a list.

Rows are written as the entries are read, a chunk at a time: a file of any size is built
in bounded memory.

Each file is written in each of kb's languages (tactics.csv, tactics.es.csv...:
kb.downloads.editions), in the language active while it is written: names, summaries,
descriptions, red flags and notes in that language where published, else in English, and
links to the pages in that language. Every language has the same columns, but for the
citations of a translation, which add the quote's ``translation`` (the quote itself stays
verbatim).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TextIO

from django.db.models import Prefetch

from kb.models import Citation, Countermeasure, Mitigation, Source, Tactic
from kb.models.translations import SOURCE_LANGUAGE, column, in_reading_language, reading_language

from . import read_in_chunks

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"
LIST_SEPARATOR = "; "

BuildUrl = Callable[[str], str]


def neutralise(value: object) -> str:
    """Text that no spreadsheet will evaluate, from which ``read_cell`` gets ``value`` back."""
    text = "" if value is None else str(value)
    return GUARD + text if text.startswith((*FORMULA_STARTS, GUARD)) else text


def read_cell(text: str) -> str:
    """The original value of a cell written by ``neutralise``."""
    if text.startswith(GUARD) and text[1:].startswith((*FORMULA_STARTS, GUARD)):
        return text[1:]
    return text


def joined(items: Iterable[object]) -> str:
    """A list in one cell, each item guarded on its own."""
    return LIST_SEPARATOR.join(neutralise(item) for item in items)


def read_list(text: str) -> list[str]:
    """The items of a cell written by ``joined`` (an item that itself holds "; " comes back
    in pieces: the separator is not escaped)."""
    return [read_cell(item) for item in text.split(LIST_SEPARATOR)] if text else []


@dataclass(frozen=True)
class Table:
    """One CSV file: its header, which columns hold lists, and where its rows come from;
    ``translated`` columns are added to the header of a translation's file (the rows
    give them in that language alone)."""

    header: list[str]
    lists: frozenset[str]
    rows: Callable[[BuildUrl, int], Iterator[list]]
    translated: tuple[str, ...] = ()

    def header_in(self, language: str) -> list[str]:
        """The columns of the file in ``language``."""
        return self.header if language == SOURCE_LANGUAGE else [*self.header, *self.translated]

    def cells(self, row: list) -> list[str]:
        """A row as guarded text: list columns item by item, the others whole."""
        header = self.header_in(reading_language())
        return [
            joined(value) if name in self.lists else neutralise(value)
            for name, value in zip(header, row, strict=True)
        ]


def _slugs(terms: Iterable) -> list[str]:
    return [term.slug for term in terms]


def _tactics(build_url: BuildUrl, chunk_size: int) -> Iterator[list]:
    # What a row shows and no more: a tactic page's citations and countermeasures are not
    # in this file.
    tactics = (
        Tactic.objects.published()
        .select_related("category")
        .prefetch_related(
            "technologies", "platforms", "stages", "target_groups", "indicators",
            Prefetch("related_tactics", queryset=Tactic.objects.published()),  # these alone
        )
        .order_by("pk")
    )  # fmt: skip
    for t in read_in_chunks(tactics, chunk_size):
        yield [
            t.public_id, t.name, t.summary, t.description, t.category.slug,
            _slugs(t.technologies.all()), _slugs(t.platforms.all()), _slugs(t.stages.all()),
            _slugs(t.target_groups.all()), [i.text for i in t.indicators.all()],
            [r.public_id for r in t.related_tactics.all()], t.updated_at.isoformat(),
            build_url(t.get_absolute_url()),
        ]  # fmt: skip


def _countermeasures(build_url: BuildUrl, chunk_size: int) -> Iterator[list]:
    countermeasures = Countermeasure.objects.published().for_list().order_by("pk")
    for c in read_in_chunks(countermeasures, chunk_size):
        yield [
            c.public_id, c.name, c.summary, c.description, c.response_kind,
            _slugs(c.actors.all()), c.updated_at.isoformat(), build_url(c.get_absolute_url()),
        ]  # fmt: skip


def _mitigations(build_url: BuildUrl, chunk_size: int) -> Iterator[list]:
    # Each countermeasure's (by ID) published tactics, in a countermeasure page's order.
    mitigations = Mitigation.objects.filter(
        countermeasure__in=Countermeasure.objects.published(),
        tactic__in=Tactic.objects.published(),
    ).order_by("countermeasure_id", in_reading_language("tactic__name"), "tactic_id")
    rows = mitigations.values_list(
        "countermeasure__public_id", "tactic__public_id", in_reading_language("note")
    )
    for row in rows.iterator(chunk_size=chunk_size):
        yield list(row)


def _sources(build_url: BuildUrl, chunk_size: int) -> Iterator[list]:
    sources = Source.objects.published().order_by("pk")
    for s in read_in_chunks(sources, chunk_size):
        yield [
            s.public_id, s.title, s.publisher, s.authors, s.kind, s.date_display, s.url,
            s.archive_url, s.summary, build_url(s.get_absolute_url()),
        ]  # fmt: skip


def _citations(build_url: BuildUrl, chunk_size: int) -> Iterator[list]:
    # Each published tactic's (by ID), then each countermeasure's, citations of public
    # sources, in a page's reference order: what their pages cite.
    for entry, model in (("tactic", Tactic), ("countermeasure", Countermeasure)):
        citations = Citation.objects.filter(
            **{f"{entry}__in": model.objects.published()},
            source__in=Source.objects.public(),
        ).order_by(f"{entry}_id", "position", "pk")
        columns = [f"{entry}__public_id", "source__public_id", "quote", "locator"]
        language = reading_language()
        if language != SOURCE_LANGUAGE:
            # The quote's translation into this language alone, never another's.
            columns.append(column("translation", language))
        rows = citations.values_list(*columns)
        for row in rows.iterator(chunk_size=chunk_size):
            yield list(row)


TABLES: dict[str, Table] = {
    "tactics": Table(
        ["id", "name", "summary", "description", "category", "technologies", "platforms",
         "stages", "target_groups", "indicators", "related_tactics", "updated_at", "url"],
        frozenset({"technologies", "platforms", "stages", "target_groups", "indicators",
                   "related_tactics"}),
        _tactics,
    ),
    "countermeasures": Table(
        ["id", "name", "summary", "description", "response_kind", "actors", "updated_at",
         "url"],
        frozenset({"actors"}),
        _countermeasures,
    ),
    "mitigations": Table(["countermeasure", "tactic", "note"], frozenset(), _mitigations),
    "sources": Table(
        ["id", "title", "publisher", "authors", "kind", "date", "original_url", "archive_url",
         "summary", "url"],
        frozenset(),
        _sources,
    ),
    "citations": Table(
        ["entry", "source", "quote", "locator"], frozenset(), _citations, ("translation",)
    ),
}  # fmt: skip


def write_table(out: TextIO, name: str, build_url: BuildUrl, *, chunk_size: int) -> None:
    """Write the CSV file ``name`` (a key of TABLES), in the active language, to ``out``, a
    text stream opened with ``encoding="utf-8-sig", newline=""``: RFC 4180 quoting, CRLF
    line ends, guarded text."""
    table = TABLES[name]
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(table.header_in(reading_language()))
    for row in table.rows(build_url, chunk_size):
        writer.writerow(table.cells(row))
