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
        site = settings.KB_SITE_NAME
        return (
            f"{site}. ({self.updated.year}, {self.updated:%B} {self.updated.day}). "
            f"{self.title}. Retrieved {self.accessed:%B} {self.accessed.day}, "
            f"{self.accessed.year}, from {self.url}"
        )

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
            ("note", f"Accessed {self.accessed.isoformat()}"),
        ]
        body = ",\n".join(
            f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}"
            for name, value in fields
        )
        return f"@misc{{{key},\n{body}\n}}"
