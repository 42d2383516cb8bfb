"""Embeddable cards: a tactic or countermeasure on a small page of its own that course
platforms, slides and wikis may show in a frame (``/embed/TT-0001/``, ``/embed/TT-0001/v2/``,
``/es/embed/...``). They are the only pages kb lets another site frame (docs/sharing.md).

A card says what the entry is (its name, summary, and its red flags or the tactics it
counters), its permanent ID, and links to the full page outside the frame. It needs no script
and styles itself from one small stylesheet of this site.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

from csp.decorators import csp_replace
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.clickjacking import xframe_options_exempt

from kb.models import Countermeasure, Entry, PublishedVersion, Tactic, canonical_public_id
from kb.models.translations import shown_language
from kb.models.workflow import parse_public_id
from kb.reading.versions import countermeasure_as_published, tactic_as_published

#: The kinds of entry that have a card, by the prefix of their permanent IDs.
EMBEDDABLE: dict[str, type[Tactic] | type[Countermeasure]] = {
    Tactic.PUBLIC_ID_PREFIX: Tactic,
    Countermeasure.PUBLIC_ID_PREFIX: Countermeasure,
}
KINDS = {Tactic: gettext_lazy("Tactic"), Countermeasure: gettext_lazy("Countermeasure")}
#: The size of the card's frame in the embed code and in oEmbed answers (narrower when a
#: consumer asks): room for a name, a summary and a few red flags; longer cards scroll.
CARD_WIDTH, CARD_HEIGHT = 480, 420
#: How long a reader's browser shows a card it has without asking again, in seconds.
CARD_FRESH_SECONDS = 10 * 60
ITEMS_TITLES = {
    Tactic: gettext_lazy("Red flags"),
    Countermeasure: gettext_lazy("Tactics it counters"),
}


@dataclass(frozen=True)
class CardItem:
    """One line of a card's list: a red flag, or a tactic the countermeasure counters."""

    text: str
    lang: str
    public_id: str = ""


@dataclass
class Card:
    """What a card (and an entry's link preview) shows of an entry, now or at a version."""

    #: The entry as it is now: its ID, its status, what replaces it.
    entry: Tactic | Countermeasure
    #: What the card shows: the entry, or its record as published at ``version``.
    shown: Tactic | Countermeasure
    version: PublishedVersion | None = None
    items: list[CardItem] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return str(KINDS[type(self.entry)])

    @property
    def items_title(self) -> str:
        return str(ITEMS_TITLES[type(self.entry)])

    @property
    def name(self) -> str:
        return self.shown.name

    @property
    def summary(self) -> str:
        return self.shown.summary

    @property
    def title(self) -> str:
        """The card's name for people: "GPS tracking (TT-0003)", with its version if any."""
        if self.version is None:
            return f"{self.name} ({self.entry.public_id})"
        return gettext("%(name)s (%(public_id)s), version %(number)s") % {
            "name": self.name,
            "public_id": self.entry.public_id,
            "number": self.version.number,
        }

    @property
    def page_path(self) -> str:
        """The page the card stands for: the entry's, or its version's."""
        return (self.version or self.entry).get_absolute_url()

    @property
    def embed_path(self) -> str:
        """The card's own address, in the active language."""
        if self.version is not None:
            return reverse("kb:embed-version", args=[self.entry.public_id, self.version.number])
        return reverse("kb:embed", args=[self.entry.public_id])


def _lines(texts) -> list[CardItem]:
    return [CardItem(text, shown_language(owner, name)) for owner, name, text in texts]


def _countered(mitigations) -> list[CardItem]:
    """The tactics a countermeasure counters, by name and ID."""
    return [
        CardItem(m.tactic.name, shown_language(m.tactic, "name"), m.tactic.public_id)
        for m in mitigations
    ]


def current_card(entry: Tactic | Countermeasure) -> Card:
    """The card of ``entry`` as it is now (loaded with ``for_page()``)."""
    if isinstance(entry, Tactic):
        items = _lines((i, "text", i.text) for i in entry.indicators.all())
    else:
        items = _countered(entry.public_mitigations)  # type: ignore[attr-defined]
    return Card(entry=entry, shown=entry, items=items)


def version_card(entry: Tactic | Countermeasure, version: PublishedVersion) -> Card:
    """The card of ``entry`` exactly as ``version`` published it."""
    if isinstance(entry, Tactic):
        tactic = tactic_as_published(version)
        items = _lines((i, "text", i.text) for i in tactic.indicators)
        return Card(entry=entry, shown=tactic.tactic, version=version, items=items)
    countermeasure = countermeasure_as_published(version)
    return Card(
        entry=entry,
        shown=countermeasure.countermeasure,
        version=version,
        items=_countered(countermeasure.mitigations),
    )


def embeddable_entry(
    public_id: str, model: type[Tactic] | type[Countermeasure] | None = None
) -> Tactic | Countermeasure | None:
    """The public tactic or countermeasure (of ``model``, if given) that ``public_id`` names
    in any spelling (``TT-0001``, ``tt-1``), or None. Drafts and entries in review have no
    card; retired and withdrawn ones keep theirs, as they keep their pages, saying so."""
    parsed = parse_public_id(public_id)
    model = model or (EMBEDDABLE.get(parsed[0]) if parsed else None)
    if model is None:
        return None
    canonical = canonical_public_id(public_id, model.PUBLIC_ID_PREFIX)
    return model.objects.public().for_page().filter(public_id=canonical).first()


def published_version(entry: Entry, number: int) -> PublishedVersion | None:
    return entry.versions.filter(number=number).first()


def iframe_html(src: str, title: str, width: int, height: int) -> str:
    """The code that shows the card at ``src`` in another page: a lazily loaded frame of the
    given size, named for screen readers."""
    return format_html(
        '<iframe src="{}" title="{}" width="{}" height="{}" loading="lazy"></iframe>',
        src,
        title,
        width,
        height,
    )


def frameable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let the sites ``KB_EMBED_FRAME_ANCESTORS`` names frame this view's pages: its CSP says
    ``frame-ancestors`` with them, and it sends no ``X-Frame-Options``. Every other page keeps
    ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY`` (kb/settings.py)."""
    policy = {"frame-ancestors": settings.KB_EMBED_FRAME_ANCESTORS}
    return cast(Callable[..., HttpResponse], xframe_options_exempt(csp_replace(policy)(view)))


def _render(request: HttpRequest, card: Card) -> HttpResponse:
    response = render(
        request,
        "kb/embed_card.html",
        {
            "card": card,
            "page_url": request.build_absolute_uri(card.page_path),
            "replacement": card.entry.public_replacement,
        },
    )
    # Framed by other sites, a card has no service worker to show it again at once (the
    # frame's storage is the framing site's, and the card has no script): the browser
    # keeps it fresh a while instead, so a repeat visit on slow 3G waits no round trip
    # (docs/performance.md). An edit reaches a card already seen within that time.
    patch_cache_control(response, public=True, max_age=CARD_FRESH_SECONDS)
    return response


@frameable
def embed(request: HttpRequest, public_id: str) -> HttpResponse:
    """A tactic's or countermeasure's card, as it is now. Any other spelling of its ID
    redirects permanently to the canonical one."""
    entry = embeddable_entry(public_id)
    if entry is None:
        raise Http404("No such entry.")
    if public_id != entry.public_id:
        return redirect(reverse("kb:embed", args=[entry.public_id]), permanent=True)
    return _render(request, current_card(entry))


@frameable
def embed_version(request: HttpRequest, public_id: str, number: int) -> HttpResponse:
    """The card of an entry exactly as one of its versions published it."""
    entry = embeddable_entry(public_id)
    version = published_version(entry, number) if entry is not None else None
    if entry is None or version is None:
        raise Http404("No such version.")
    if public_id != entry.public_id:
        return redirect(reverse("kb:embed-version", args=[entry.public_id, number]), permanent=True)
    return _render(request, version_card(entry, version))
