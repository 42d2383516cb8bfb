"""Ready-made citations of the knowledge base's own pages, for trainers' course material.

The author is the knowledge base itself (an organisation, so BibTeX gets it in double
braces). A page (``PageCitation``) is dated when the entry was last updated, with the day
of the visit as access date, as APA and BibTeX both expect for pages that can change. A
published version (``VersionCitation``: ``/tactics/TT-0001/v2/``) never changes: it is
dated when it was published, named "Version N", and cited at its own permanent address,
with no access date (APA gives none for a work that does not change).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import cast

from django.conf import settings
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kb.models import Countermeasure, Entry, PublishedVersion, Source, Tactic

BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()


def bibtex_escape(text: str) -> str:
    """Escape the characters BibTeX and LaTeX treat specially."""
    return "".join(BIBTEX_SPECIAL.get(character, character) for character in text)


def entry_title(entry: Entry) -> str:
    """An entry's name (a source's title) and permanent ID: what a citation calls it."""
    name = entry.name if isinstance(entry, Tactic | Countermeasure) else cast(Source, entry).title
    return f"{name} ({entry.public_id})"


def apa_date(day: date) -> str:
    """A date as APA puts it after the author, in the active language."""
    # The date formats are translatable: APA in Spanish or French orders and words its
    # dates differently ("2026, 23 de noviembre"), and month names follow the language.
    # Translators: a date format (Django's date filter letters): Y year, F month name, j day.
    return dateformat.format(day, pgettext("APA date of a page's update", "Y, F j"))


def bibtex_entry(key: str, fields: list[tuple[str, str]]) -> str:
    """A BibTeX ``@misc`` entry of ``fields`` (values already escaped; ``month`` is a
    macro, left unbraced)."""
    body = ",\n".join(
        f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}"
        for name, value in fields
    )
    return f"@misc{{{key},\n{body}\n}}"


def _dated(day: date) -> list[tuple[str, str]]:
    return [("year", str(day.year)), ("month", MONTHS[day.month - 1])]


@dataclass(frozen=True)
class PageCitation:
    """How to cite one entry page, in the styles trainers ask for."""

    entry: Entry
    url: str
    accessed: date
    #: Not a version: the templates tell the two kinds of citation apart by it.
    version = None

    @property
    def title(self) -> str:
        return entry_title(self.entry)

    @property
    def updated(self) -> date:
        return self.entry.updated_at.date()

    @property
    def apa(self) -> str:
        """APA 7th edition, web page with a retrieval date."""
        # Translators: a date format (Django's date filter letters): F month name, j day, Y year.
        accessed = dateformat.format(self.accessed, pgettext("APA retrieval date", "F j, Y"))
        return _("%(site)s. (%(updated)s). %(title)s. Retrieved %(accessed)s, from %(url)s") % {
            "site": settings.KB_SITE_NAME,
            "updated": apa_date(self.updated),
            "title": self.title,
            "accessed": accessed,
            "url": self.url,
        }

    @property
    def bibtex(self) -> str:
        return bibtex_entry(
            f"kb-{self.entry.public_id}".lower(),
            [
                ("author", f"{{{bibtex_escape(settings.KB_SITE_NAME)}}}"),
                ("title", f"{{{bibtex_escape(self.title)}}}"),
                *_dated(self.updated),
                ("howpublished", f"\\url{{{self.url}}}"),
                ("url", self.url),
                ("urldate", self.accessed.isoformat()),
                ("note", _("Accessed %(date)s") % {"date": self.accessed.isoformat()}),
            ],
        )


@dataclass(frozen=True)
class VersionCitation:
    """How to cite one published version of an entry: exactly what it said, which never
    changes. ``entry`` is the entry as that version published it (its name then)."""

    entry: Entry
    version: PublishedVersion
    url: str

    @property
    def title(self) -> str:
        return _("%(title)s, Version %(number)s") % {
            "title": entry_title(self.entry),
            "number": self.version.number,
        }

    @property
    def published(self) -> date:
        """The day the version was published, where the site is."""
        return timezone.localdate(self.version.published_at)

    @property
    def apa(self) -> str:
        """APA 7th edition, a web page that does not change: no retrieval date."""
        return _("%(site)s. (%(published)s). %(title)s. %(url)s") % {
            "site": settings.KB_SITE_NAME,
            "published": apa_date(self.published),
            "title": self.title,
            "url": self.url,
        }

    @property
    def bibtex(self) -> str:
        return bibtex_entry(
            f"kb-{self.entry.public_id}-v{self.version.number}".lower(),
            [
                ("author", f"{{{bibtex_escape(settings.KB_SITE_NAME)}}}"),
                ("title", f"{{{bibtex_escape(self.title)}}}"),
                *_dated(self.published),
                ("version", str(self.version.number)),
                ("howpublished", f"\\url{{{self.url}}}"),
                ("url", self.url),
            ],
        )
