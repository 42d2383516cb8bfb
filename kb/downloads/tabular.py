"""CSV files, one per kind of record, that open cleanly in spreadsheet programs.

UTF-8 with a byte order mark (so spreadsheet programs read accents right), every field
quoted where needed, list values joined with "; ". Cells that a spreadsheet would run as a
formula (starting with =, +, -, @, tab or carriage return) get a leading apostrophe, which
spreadsheets show as text; ``read_cell`` removes it again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


def neutralise(value: object) -> str:
    """A cell as text that no spreadsheet will evaluate."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def read_cell(text: str) -> str:
    """The original value of a cell written by ``neutralise``."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _names(terms: Iterable) -> str:
    return LIST_SEPARATOR.join(term.slug for term in terms)


def _url(build_url: Callable[[str], str], entry) -> str:
    return build_url(entry.get_absolute_url())


def tables(content: dict, build_url: Callable[[str], str]) -> dict[str, list[list]]:
    """Header and rows of every CSV file, by file name."""
    tactics, countermeasures, sources = (
        content["tactics"],
        content["countermeasures"],
        content["sources"],
    )
    citations = [
        [c.entry.public_id, c.source.public_id, c.quote, c.locator]
        for entry in (*tactics, *countermeasures)
        for c in entry.public_citations
    ]
    return {
        "tactics": [
            ["id", "name", "summary", "description", "category", "technologies", "platforms",
             "stages", "target_groups", "indicators", "related_tactics", "updated_at", "url"],
            *(
                [t.public_id, t.name, t.summary, t.description, t.category.slug,
                 _names(t.technologies.all()), _names(t.platforms.all()), _names(t.stages.all()),
                 _names(t.target_groups.all()),
                 LIST_SEPARATOR.join(i.text for i in t.indicators.all()),
                 LIST_SEPARATOR.join(r.public_id for r in t.public_related_tactics),
                 t.updated_at.isoformat(), _url(build_url, t)]
                for t in tactics
            ),
        ],
        "countermeasures": [
            ["id", "name", "summary", "description", "response_kind", "actors", "updated_at",
             "url"],
            *(
                [c.public_id, c.name, c.summary, c.description, c.response_kind,
                 _names(c.actors.all()), c.updated_at.isoformat(), _url(build_url, c)]
                for c in countermeasures
            ),
        ],
        "mitigations": [
            ["countermeasure", "tactic", "note"],
            *(
                [c.public_id, m.tactic.public_id, m.note]
                for c in countermeasures
                for m in c.public_mitigations
            ),
        ],
        "sources": [
            ["id", "title", "publisher", "authors", "kind", "date", "original_url", "archive_url",
             "summary", "url"],
            *(
                [s.public_id, s.title, s.publisher, s.authors, s.kind, s.date_display, s.url,
                 s.archive_url, s.summary, _url(build_url, s)]
                for s in sources
            ),
        ],
        "citations": [["entry", "source", "quote", "locator"], *citations],
    }  # fmt: skip


def to_csv(rows: list[list]) -> bytes:
    """A CSV file: UTF-8 with BOM, RFC 4180 quoting, neutralised formulas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")
