"""Reading a spreadsheet's cells the way the downloads wrote them (kb.downloads.tabular):
formula guards taken off, lists split at "; ", vocabulary terms by name or slug, public
IDs in any spelling, and a source's date as the downloads print it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import override

from kb.downloads.tabular import LIST_SEPARATOR, read_cell
from kb.models import DatePrecision, Vocabulary, canonical_public_id

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Rejected(Exception):
    """A row that cannot be imported; ``reasons`` say why, in plain words."""

    def __init__(self, *reasons: str) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = list(reasons)


def cell_text(value: object) -> str:
    """A cell as text, surrounding spaces and the download's formula guard taken off.

    XLSX cells may hold dates and numbers: a date is written as 2024-03-05, a whole number
    without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime) and value.time() == time(0):
        value = value.date()
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return read_cell(str(value).strip())


def cell_items(text: str) -> list[str]:
    """The items of a list cell of names, slugs or IDs: split at ";" (the downloads write
    "; "; people often type ";" or " ; "), each guard taken off, empty items dropped."""
    items = (read_cell(item.strip()) for item in text.split(";"))
    return [item for item in items if item]


def cell_texts(text: str, known: Iterable[str] = ()) -> list[str]:
    """The items of a list cell of free text (a tactic's indicators), split at "; " as the
    downloads join them. Since that separator is not escaped, an item that itself holds
    "; " comes back in pieces: pieces that together spell one of the ``known`` texts
    (the entry's current indicators) are joined again."""
    pieces = [read_cell(piece.strip()) for piece in text.split(LIST_SEPARATOR)] if text else []
    known = {k for k in known if LIST_SEPARATOR in k}
    items: list[str] = []
    start = 0
    while start < len(pieces):
        end = start + 1
        for stop in range(len(pieces), start + 1, -1):  # the longest known run first
            if LIST_SEPARATOR.join(pieces[start:stop]) in known:
                end = stop
                break
        items.append(LIST_SEPARATOR.join(pieces[start:end]))
        start = end
    return [item for item in items if item]


class Terms:
    """The terms of one vocabulary, found by name (in any case) or slug."""

    def __init__(self, vocabulary: type[Vocabulary]) -> None:
        self.vocabulary = vocabulary
        self._by_key: dict[str, Vocabulary] = {}
        for term in vocabulary._default_manager.all():
            self._by_key.setdefault(term.slug.casefold(), term)
            self._by_key.setdefault(term.name.casefold(), term)

    def find(self, names: Iterable[str], column: str) -> list:
        """The terms ``names`` name, in order and once each; Rejected naming every unknown
        one (an import never creates terms: reviewers keep the vocabularies)."""
        found, unknown = [], []
        for name in names:
            term = self._by_key.get(name.casefold())
            if term is None:
                unknown.append(name)
            elif term not in found:
                found.append(term)
        if unknown:
            raise Rejected(
                *(
                    _("unknown %(column)s “%(term)s”") % {"column": column, "term": name}
                    for name in unknown
                )
            )
        return found


def find_entry(model: type[Model], text: str, column: str):
    """The entry of ``model`` whose public ID is ``text`` (in any spelling: tt-3, TT-0003);
    Rejected when it is not one, or there is none."""
    prefix = model.PUBLIC_ID_PREFIX  # type: ignore[attr-defined]  # every kind of entry has one
    public_id = canonical_public_id(text, prefix)
    if public_id is None:
        raise Rejected(
            _("%(column)s “%(text)s” is not a %(kind)s ID (%(prefix)s-0001)")
            % {
                "column": column,
                "text": text,
                "kind": model._meta.verbose_name,
                "prefix": prefix,
            }
        )
    entry = model._default_manager.filter(public_id=public_id).first()
    if entry is None:
        raise Rejected(
            _("%(kind)s %(id)s not found") % {"kind": model._meta.verbose_name, "id": public_id}
        )
    return entry


def find_entries(model: type[Model], texts: Iterable[str], column: str) -> list:
    """The entries named by public ID in a list cell, in one query; Rejected naming each
    ID that is malformed or not found."""
    prefix = model.PUBLIC_ID_PREFIX  # type: ignore[attr-defined]
    reasons, wanted = [], []
    for text in texts:
        public_id = canonical_public_id(text, prefix)
        if public_id is None:
            reasons.append(
                _("%(column)s “%(text)s” is not a %(kind)s ID")
                % {"column": column, "text": text, "kind": model._meta.verbose_name}
            )
        elif public_id not in wanted:
            wanted.append(public_id)
    entries: Iterable[Any] = model._default_manager.filter(public_id__in=wanted)
    found = {entry.public_id: entry for entry in entries}
    reasons += [
        _("%(column)s: %(kind)s %(id)s not found")
        % {"column": column, "kind": model._meta.verbose_name, "id": public_id}
        for public_id in wanted
        if public_id not in found
    ]
    if reasons:
        raise Rejected(*reasons)
    return [found[public_id] for public_id in wanted]


def find_choice(choices: Iterable[tuple[str, StrOrPromise]], text: str, column: str) -> str:
    """The value of a fixed choice given by value or label, in any case ("support_victims",
    "Support victims"); a label in the site's language or in the page's."""
    for value, label in choices:
        with override(settings.LANGUAGE_CODE):
            site_label = str(label)
        if text.casefold() in (value.casefold(), str(label).casefold(), site_label.casefold()):
            return value
    raise Rejected(
        _("unknown %(column)s “%(text)s” (one of: %(values)s)")
        % {"column": column, "text": text, "values": ", ".join(value for value, _ in choices)}
    )


_MONTHS = {
    name.casefold(): number
    for number, name in enumerate(
        "January February March April May June July August September October November "
        "December".split(),
        start=1,
    )
}
_MONTHS.update({name[:3]: number for name, number in list(_MONTHS.items())})


def _month(name: str) -> int | None:
    return _MONTHS.get(name.casefold().rstrip("."))


def parse_source_date(text: str) -> tuple[date | None, str]:
    """A source's date as the downloads print it ("5 March 2024", "March 2024", "2024",
    "n.d.") or as ISO (2024-03-05, 2024-03): the date and its precision; (None, "") for
    no date. Rejected for anything else, or a day that does not exist."""
    text = " ".join(text.replace(",", " ").split())
    if text.casefold() in ("", "n.d.", "n.d", "nd"):
        return None, ""
    day: int | None
    if found := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        year, month, day = (int(part) for part in found.groups())
    elif found := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        year, month, day = int(found[1]), int(found[2]), None
    elif found := re.fullmatch(r"(\d{4})", text):
        return _checked(int(found[1]), 1, 1, text), DatePrecision.YEAR
    elif (found := re.fullmatch(r"(\d{1,2}) ([A-Za-z.]+) (\d{4})", text)) and _month(found[2]):
        year, month, day = int(found[3]), _month(found[2]) or 0, int(found[1])
    elif (found := re.fullmatch(r"([A-Za-z.]+) (\d{1,2}) (\d{4})", text)) and _month(found[1]):
        year, month, day = int(found[3]), _month(found[1]) or 0, int(found[2])
    elif (found := re.fullmatch(r"([A-Za-z.]+) (\d{4})", text)) and _month(found[1]):
        year, month, day = int(found[2]), _month(found[1]) or 0, None
    else:
        raise _bad_date(text)
    if day is None:
        return _checked(year, month, 1, text), DatePrecision.MONTH
    return _checked(year, month, day, text), DatePrecision.DAY


def _checked(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _bad_date(text) from None


def _bad_date(text: str) -> Rejected:
    return Rejected(
        _(
            "bad date “%(text)s”: write 2024-03-05, 5 March 2024, March 2024, 2024 or n.d. "
            "(a date as printed that is none of these goes in a dateline column)"
        )
        % {"text": text}
    )
