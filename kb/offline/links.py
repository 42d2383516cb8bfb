"""Where each page goes in the static copy, and its links rewritten to work there.

A copy is opened from the file system (``file:///…/index.html``) or put on any static host,
so every link must be relative and name a file: ``/es/tactics/TT-0001/slug/`` becomes
``es/tactics/TT-0001/slug/index.html`` in the copy, reached from another page by a path such
as ``../../../tactics/TT-0001/slug/index.html``. What the copy does not hold (filtered lists,
version pages, the downloads, the suggestion form, the API) links to the live site instead
(``KB_SITE_URL``), and so do links to pages in a language the copy leaves out.

A copy of every language keeps the site's layout (English at the top, the others in their
folders), so its language switcher works offline. A copy of one language puts that
language's pages at the top, so it opens at ``index.html`` whatever the language.

Templates mark what only works on the live site, and what only the copy needs, with three
attributes (in the site's pages they change nothing):

- ``data-live-only``: hidden in the copy (the filter forms, which need a server; the
  handout, suggestions, embedding, the footer's downloads, API, feed and "Save for
  offline"), by a ``hidden`` attribute and, in case a script would show it, by the
  stylesheet (the copy's ``<html>`` carries ``data-offline-copy``);
- ``data-offline-only`` (with ``hidden``): shown in the copy only (a note saying so);
- ``data-live-link`` on a link: always to the live site (the same list, to filter it there).
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from kb.models.translations import SOURCE_LANGUAGE

from .pages import PAGE_PARAMETER

PAGE_FILE = "index.html"
SCRIPT_FILE = "index.js"
STATIC_FOLDER = "static/"

# A start tag (attribute values are escaped, so they hold no ">"), and its link attributes.
_TAG = re.compile(r"<[a-zA-Z][^>]*>")
_LINK = re.compile(r'(\s(?:href|src|action|data-home)=")([^"]*)(")')
_HIDDEN = re.compile(r"\shidden(?=[\s>/])")


@dataclass(frozen=True)
class CopyLayout:
    """Which languages a copy holds, and where its files go."""

    languages: tuple[str, ...]
    #: The live site's address, where links to what the copy does not hold go.
    site_url: str
    #: The site's address of its static files (settings.STATIC_URL, with its leading slash).
    static_url: str = "/static/"

    @property
    def single_language(self) -> str | None:
        """The copy's one language, whose pages are at its top; None for several."""
        return self.languages[0] if len(self.languages) == 1 else None

    def file_of(self, address: str, language: str, *, script: bool = False) -> str:
        """Where the page (or script) at ``address`` in ``language`` goes in the copy:
        ``tactics/index.html``, ``es/tactics/page-2/index.html`` for ``/es/tactics/?page=2``
        (the only query a copied page has), ``es/jsi18n/index.js``."""
        path, _, query = address.partition("?")
        if language != SOURCE_LANGUAGE and language == self.single_language:
            path = path.removeprefix(f"/{language}")
        path = path.lstrip("/")
        page = dict(parse_qsl(query)).get(PAGE_PARAMETER)
        if page:
            path += f"page-{page}/"
        if path.endswith("/") or not path:
            path += SCRIPT_FILE if script else PAGE_FILE
        return path


def relative(target: str, here: str) -> str:
    """The relative link from the copy's file ``here`` to its file ``target``."""
    return posixpath.relpath(target, posixpath.dirname(here) or ".")


class LinkRewriter:
    """Rewrites one copy's pages: ``files`` maps each site address the copy holds (with its
    query, if any) to its file in the copy; ``static_files`` collects the static files the
    pages use, for the copy to include."""

    def __init__(self, layout: CopyLayout, files: dict[str, str]) -> None:
        self.layout = layout
        self.files = files
        self.static_files: set[str] = set()

    def live(self, address: str) -> str:
        """``address`` on the live site."""
        return self.layout.site_url.rstrip("/") + address

    def link(self, value: str, here: str, page: str, *, live: bool = False) -> str:
        """One link's new value (unescaped), in the page at the site's address ``page``
        whose file in the copy is ``here``."""
        if value.startswith("?"):  # another page of the same list: ?page=2
            value = page.partition("?")[0] + value
            if value.endswith(f"?{PAGE_PARAMETER}=1"):
                value = value.partition("?")[0]
        if not value.startswith("/") or value.startswith("//"):
            return value  # another site, a fragment, a relative or an empty link
        address, hash_mark, fragment = value.partition("#")
        suffix = hash_mark + fragment
        if live:
            return self.live(value)
        if address.startswith(self.layout.static_url):
            name = address.removeprefix(self.layout.static_url).partition("?")[0]
            self.static_files.add(name)
            return relative(STATIC_FOLDER + name, here) + suffix
        if address in self.files:
            return relative(self.files[address], here) + suffix
        return self.live(value)

    def _tag(self, tag: str, here: str, page: str) -> str:
        live = " data-live-link" in tag

        def one(match: re.Match) -> str:
            value = self.link(html.unescape(match[2]), here, page, live=live)
            return match[1] + html.escape(value) + match[3]

        tag = _LINK.sub(one, tag)
        if tag.startswith("<html"):
            # The stylesheet keeps what is live-only hidden even if a script would show it
            # (the handout's button): [data-offline-copy] [data-live-only].
            tag = tag[:-1] + " data-offline-copy>"
        if " data-live-only" in tag and not _HIDDEN.search(tag):
            tag = tag[:-1].rstrip("/") + " hidden>"
        if " data-offline-only" in tag:
            tag = _HIDDEN.sub("", tag)
        return tag

    def page(self, text: str, here: str, address: str) -> str:
        """The page ``text``, at the site's ``address`` and the copy's file ``here``, with
        every link rewritten and the live-only and offline-only parts hidden or shown."""
        return _TAG.sub(lambda match: self._tag(match[0], here, address), text)
