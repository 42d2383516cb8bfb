"""Ready-made citations of the knowledge base's own pages, for trainers' course material.

The author is the knowledge base itself (an organisation, so BibTeX gets it in double
braces); the date is when the entry was last updated; the access date is the day of the
visit, as APA and BibTeX both expect for pages that can change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import cast

from django.conf import settings
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kb.models import Countermeasure, Entry, Source, Tactic

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


@dataclass(frozen=True)
class PageCitation:
    """How to cite one entry page, in the styles trainers ask for."""

    entry: Entry
    url: str
    accessed: date

    @property
    def title(self) -> str:
        entry = self.entry
        name = (
            entry.name if isinstance(entry, Tactic | Countermeasure) else cast(Source, entry).title
        )
        return f"{name} ({self.entry.public_id})"

    @property
    def updated(self) -> date:
        return self.entry.updated_at.date()

    @property
    def apa(self) -> str:
        """APA 7th edition, web page with a retrieval date."""
        # The date formats are translatable: APA in Spanish or French orders and words its
        # dates differently ("2026, 23 de noviembre"), and month names follow the language.
        # Translators: a date format (Django's date filter letters): Y year, F month name, j day.
        updated = dateformat.format(self.updated, pgettext("APA date of a page's update", "Y, F j"))
        # Translators: a date format (Django's date filter letters): F month name, j day, Y year.
        accessed = dateformat.format(self.accessed, pgettext("APA retrieval date", "F j, Y"))
        return _("%(site)s. (%(updated)s). %(title)s. Retrieved %(accessed)s, from %(url)s") % {
            "site": settings.KB_SITE_NAME,
            "updated": updated,
            "title": self.title,
            "accessed": accessed,
            "url": self.url,
        }

    @property
    def bibtex(self) -> str:
        key = f"kb-{self.entry.public_id}".lower()
        fields = [
            ("author", f"{{{bibtex_escape(settings.KB_SITE_NAME)}}}"),
            ("title", f"{{{bibtex_escape(self.title)}}}"),
            ("year", str(self.updated.year)),
            ("month", MONTHS[self.updated.month - 1]),
            ("howpublished", f"\\url{{{self.url}}}"),
            ("url", self.url),
            ("urldate", self.accessed.isoformat()),
            ("note", _("Accessed %(date)s") % {"date": self.accessed.isoformat()}),
        ]
        body = ",\n".join(
            f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}"
            for name, value in fields
        )
        return f"@misc{{{key},\n{body}\n}}"
