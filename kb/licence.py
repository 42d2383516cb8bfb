"""The licences of kb, in one place: every page footer, download, API answer, the About
page and the offline copy read them from here.

The content (entries' own text: names, summaries, descriptions, red flags, notes) is
published under Creative Commons Attribution 4.0 International, so that trainers and NGOs
may copy, translate and adapt it in course material, crediting kb. Quotes from sources are
the sources' own words: kb reproduces them as citations and does not license them. The
code is under the MIT licence (the LICENSE file; docs/operations.md says why).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponseBase
from django.utils import translation
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Licence:
    """A licence as data publishers name it: its full name, short name, SPDX identifier
    and its own canonical address."""

    name: str
    short_name: str
    spdx: str
    url: str

    def as_dict(self) -> dict[str, str]:
        """The licence for JSON documents (kb.json, the API): name, SPDX id, address."""
        return {"name": self.name, "spdx": self.spdx, "url": self.url}


CONTENT_LICENCE = Licence(
    name="Creative Commons Attribution 4.0 International",
    short_name="CC BY 4.0",
    spdx="CC-BY-4.0",
    url="https://creativecommons.org/licenses/by/4.0/",
)

CODE_LICENCE = Licence(
    name="MIT License",
    short_name="MIT",
    spdx="MIT",
    url="https://opensource.org/license/mit",
)

QUOTES_NOTE = gettext_lazy(
    "Quotes from sources are the sources' own words, reproduced as citations: "
    "they are not licensed by kb, and their reuse is governed by their publishers."
)


def content_licence_statement(site_name: str) -> str:
    """One paragraph, in English, for downloads and the offline copy (built outside any
    request, where the reader's language is not known): what the licence covers, how to
    credit kb, and what it does not cover (quotes)."""
    with translation.override("en"):
        quotes = str(QUOTES_NOTE)
    return (
        f"The content of the {site_name} (kb) is licensed under the "
        f"{CONTENT_LICENCE.name} licence ({CONTENT_LICENCE.short_name}, "
        f"{CONTENT_LICENCE.url}): you may share and adapt it for any purpose, giving "
        f"appropriate credit, linking to the licence and indicating if changes were made. "
        f"Credit kb by its name and the entry's permanent link. {quotes}"
    )


def content_licence_data() -> dict[str, str]:
    """The content's licence as JSON documents give it (kb.json, the API's root): its name,
    SPDX id and address, and the sentence on quotes, in the active language."""
    return {**CONTENT_LICENCE.as_dict(), "quotes": str(QUOTES_NOTE)}


def link_licence(response: HttpResponseBase) -> None:
    """Say the content's licence in ``response``'s ``Link`` header (``rel="license"``,
    RFC 8288 and the registered relation), beside any link it already has: a CSV file has
    nowhere else to say it, and clients of the API and the downloads read it the same way."""
    link = f'<{CONTENT_LICENCE.url}>; rel="license"'
    existing = response.get("Link")
    response["Link"] = f"{existing}, {link}" if existing else link
