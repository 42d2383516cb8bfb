"""What trainers print: handouts of chosen tactics, the matrix as a poster, and the short
permanent links (``/TT-0001/``) and QR codes printed on both.

A handout's address holds everything it shows: the tactics in order (``ids``) and what to
include of each (``include``, ``references``), so a handout can be shared, bookmarked and
printed again years later. Readers choose the tactics in their browser ("Add to handout",
static/kb/handout.js); the server keeps nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

import segno
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy

from kb import lists
from kb.models import Tactic, canonical_public_id, current_content_version
from kb.models.suggestions import public_entry_named
from kb.reading.matrix import build_matrix

MAX_HANDOUT = 50

#: What a handout can show of each tactic besides its name and ID, in the order shown.
INCLUDE_CHOICES = {
    "summary": gettext_lazy("Summary"),
    "red-flags": gettext_lazy("Red flags"),
    "countermeasures": gettext_lazy("Countermeasures"),
    "links": gettext_lazy("Short links and QR codes"),
}
#: How a handout lists each tactic's sources.
REFERENCE_CHOICES = {
    "none": gettext_lazy("No references"),
    "sources": gettext_lazy("References without quotes"),
    "quotes": gettext_lazy("References with their quotes"),
}
DEFAULT_INCLUDE = ("summary", "red-flags", "countermeasures", "links")
DEFAULT_REFERENCES = "sources"
#: The handout's own query parameters (kb.web.parameters lists them).
HANDOUT_PARAMETERS = frozenset({"ids", "include", "references"})


@dataclass
class HandoutOptions:
    """What a handout shows of each tactic, as its address asks for it.

    Without ``include`` and ``references`` in the address a handout shows the defaults.
    The options form always sends ``references`` (a radio button), so once it has been
    used, ``include`` lists exactly the boxes left ticked, none included.
    """

    include: tuple[str, ...] = DEFAULT_INCLUDE
    references: str = DEFAULT_REFERENCES
    explicit: bool = False
    not_understood: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, query: QueryDict) -> HandoutOptions:
        """The options ``query`` asks for; values it does not know are left out and listed
        in ``not_understood``, never an error."""
        if "include" not in query and "references" not in query:
            return cls()
        asked = query.getlist("include")
        include = tuple(name for name in INCLUDE_CHOICES if name in asked)
        references = query.get("references", DEFAULT_REFERENCES)
        not_understood = [value for value in asked if value not in INCLUDE_CHOICES]
        if references not in REFERENCE_CHOICES:
            not_understood.append(references)
            references = DEFAULT_REFERENCES
        return cls(include, references, True, not_understood)

    def __contains__(self, name: str) -> bool:
        return name in self.include

    @property
    def without_quotes(self) -> bool:
        """Whether the references list their sources only."""
        return self.references == "sources"

    def query(self) -> list[tuple[str, str]]:
        """The options as query parameters: none when the defaults were not changed, so
        the addresses of ordinary handouts stay short."""
        if not self.explicit:
            return []
        return [*(("include", name) for name in self.include), ("references", self.references)]


def handout_address(ids: list[str], options: HandoutOptions) -> str:
    """The handout of the tactics ``ids``, in this order, with ``options``: commas stay
    readable in the address (``?ids=TT-0001,TT-0004``)."""
    query = urlencode([("ids", ",".join(ids)), *options.query()], safe=",")
    return f"{reverse('kb:handout')}?{query}"


def qr_code(url: str) -> SafeString:
    """``url`` as a QR code: an inline SVG element, drawn on the server, without style
    attributes (the CSP forbids them) or a fixed size (the stylesheet sizes it), dark on
    white so it scans on a dark screen too, and named for screen readers."""
    label = gettext("QR code of %(url)s") % {"url": url}
    svg = segno.make(url, error="m").svg_inline(
        scale=1, dark="#000", light="#fff", omitsize=True, svgclass="qr", title=label
    )
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


def short_link_of(request: HttpRequest, public_id: str) -> str:
    """The absolute short permanent link of an entry in the reader's language."""
    return request.build_absolute_uri(reverse("kb:short-link", args=[public_id]))


@dataclass
class HandoutTactic:
    """One tactic of a handout, with its short link, its QR code and the addresses that
    move it up, down or out of the handout."""

    tactic: Tactic
    short_link: str
    qr_code: SafeString | None
    remove_url: str
    earlier_url: str | None
    later_url: str | None


def _handout_tactics(
    request: HttpRequest, tactics: list[Tactic], options: HandoutOptions
) -> list[HandoutTactic]:
    ids = [tactic.public_id for tactic in tactics]

    def swapped(n: int, other: int) -> str:
        order = ids.copy()
        order[n], order[other] = order[other], order[n]
        return handout_address(order, options)

    shown = []
    for n, tactic in enumerate(tactics):
        link = short_link_of(request, tactic.public_id)
        shown.append(
            HandoutTactic(
                tactic,
                link,
                qr_code(link) if "links" in options else None,
                handout_address(ids[:n] + ids[n + 1 :], options),
                swapped(n, n - 1) if n > 0 else None,
                swapped(n, n + 1) if n < len(ids) - 1 else None,
            )
        )
    return shown


def handout(request: HttpRequest) -> HttpResponse:
    """Chosen tactics to print, several to a page, in the order given
    (``?ids=TT-0001,TT-0004``) and with what ``include`` and ``references`` ask for. IDs that
    name no published tactic and options not understood are listed, not fatal."""
    requested = [part.strip() for part in request.GET.get("ids", "").split(",") if part.strip()]
    wanted = {part: canonical_public_id(part, Tactic.PUBLIC_ID_PREFIX) for part in requested}
    found = {
        tactic.public_id: tactic
        for tactic in Tactic.objects.published()
        .for_page()
        .filter(public_id__in=[c for c in wanted.values() if c][:MAX_HANDOUT])
    }
    tactics = [found[c] for c in dict.fromkeys(wanted.values()) if c in found]
    options = HandoutOptions.from_query(request.GET)
    ids = [tactic.public_id for tactic in tactics]
    address = request.build_absolute_uri(handout_address(ids, options)) if ids else ""
    return render(
        request,
        "kb/handout.html",
        {
            "tactics": _handout_tactics(request, tactics, options),
            "ids": ",".join(ids),
            "options": options,
            "include_choices": INCLUDE_CHOICES,
            "reference_choices": REFERENCE_CHOICES,
            "handout_url": address,
            "handout_qr_code": qr_code(address) if address and "links" in options else None,
            "missing": [part for part, canonical in wanted.items() if canonical not in found],
            "too_many": len(wanted) > MAX_HANDOUT,
            "max_handout": MAX_HANDOUT,
        },
    )


def short_link(request: HttpRequest, public_id: str) -> HttpResponse:
    """``/TT-0001/`` (any kind of entry, any spelling of its ID): the entry's page in the
    language of the address. Printed handouts and posters carry these, so they answer for
    as long as the entry is public, retired and withdrawn entries included."""
    entry = public_entry_named(public_id)
    if entry is None:
        raise Http404("No such entry.")
    return redirect(entry, permanent=True)


def matrix_poster(request: HttpRequest) -> HttpResponse:
    """The matrix of published tactics by category, to print on one A3 sheet in landscape:
    every tactic's name and ID, the date, the content edition, the site's address and a QR
    code of the matrix online."""
    version = getattr(request, "content_version", None) or current_content_version()
    result = lists.TACTICS.run(QueryDict(), version)
    matrix_url = request.build_absolute_uri(reverse("kb:matrix"))
    return render(
        request,
        "kb/matrix_poster.html",
        {
            "columns": build_matrix(result, "category", QueryDict()),
            "tactic_count": len(result.rows),
            "edition": version.number,
            "site_url": request.build_absolute_uri("/").rstrip("/"),
            "matrix_url": matrix_url,
            "matrix_qr_code": qr_code(matrix_url),
        },
    )
