"""Template tags for sharing pages: link previews (Open Graph, Twitter cards), the oEmbed
discovery link, and an entry's embed code (docs/sharing.md)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from django import template
from django.template.base import NodeList
from django.template.loader_tags import BlockNode
from django.utils.html import strip_tags

from kb.models import Countermeasure, Entry, PublishedVersion, Source, Tactic
from kb.models.translations import reading_language
from kb.reading import previews
from kb.reading.embeds import CARD_HEIGHT, CARD_WIDTH, Card, iframe_html
from kb.reading.oembed import discovery_href

register = template.Library()

#: Open Graph names locales as language_TERRITORY; kb's languages, as written for readers
#: (British English, as the site is written).
OPEN_GRAPH_LOCALES = {"en": "en_GB", "es": "es_ES", "fr": "fr_FR", "ar": "ar_AR"}
#: The pages that have a card (oEmbed discovery), by URL name.
CARD_PAGES = {
    "tactic-detail",
    "tactic-version",
    "countermeasure-detail",
    "countermeasure-version",
}
ENTRY_PAGES = CARD_PAGES | {"source-detail", "source-version"}
VERSION_PAGES = {"tactic-version", "countermeasure-version", "source-version"}


def open_graph_locale(code: str) -> str:
    return OPEN_GRAPH_LOCALES.get(code, code)


@register.simple_tag(takes_context=True)
def block_text(context: template.Context, name: str) -> str:
    """The plain text of this page's block ``name``, as the most specific template fills it:
    a page's title and description, repeated in its link preview without a second copy.
    Only where the blocks are (base.html): an included template does not see them."""
    rendered = BlockNode(name, NodeList()).render(context)
    return re.sub(r"\s+", " ", html.unescape(strip_tags(rendered))).strip()


@dataclass
class LinkPreview:
    """What a page's link preview says beyond its title and description."""

    url: str
    type: str
    locale: str
    image_url: str
    image_alt: str
    locale_alternates: list[str] = field(default_factory=list)
    #: Where an oEmbed consumer asks for this page's card ("" for pages without one).
    oembed_href: str = ""


def _shared_entry(context: template.Context, url_name: str) -> Entry | None:
    """The public entry a page is about (its page, or one of its versions), if any."""
    entry = context.get("entry")
    if url_name not in ENTRY_PAGES or not isinstance(entry, Tactic | Countermeasure | Source):
        return None
    return entry if entry.is_public else None


@register.simple_tag(takes_context=True)
def link_preview(context: template.Context) -> LinkPreview | None:
    """The page's link preview: an entry's page or version shows the entry's own picture
    and announces its card; any other page shows the site's picture."""
    request = context.get("request")
    if request is None:
        return None
    match = request.resolver_match
    url_name = match.url_name if match is not None and match.namespace == "kb" else ""
    entry = _shared_entry(context, url_name or "")
    language = reading_language()
    alternates = context.get("alternates")
    alternates = alternates() if callable(alternates) else alternates or []
    # An entry's picture shows the entry as it is now; a version page shows the site's
    # picture, since the version may have said something else (another name, say).
    pictured = None if url_name in VERSION_PAGES else entry
    if pictured is None:
        image_alt = str(context.get("site_name", ""))
    else:
        name = pictured.title if isinstance(pictured, Source) else pictured.name  # type: ignore[attr-defined]
        image_alt = f"{previews.KINDS[type(pictured)]} {pictured.public_id}: {name}"
    page_url = request.build_absolute_uri(request.path)
    return LinkPreview(
        url=request.build_absolute_uri(),
        type="article" if entry is not None else "website",
        locale=open_graph_locale(language),
        image_url=request.build_absolute_uri(previews.preview_path(pictured)),
        image_alt=image_alt,
        locale_alternates=[
            open_graph_locale(a.code) for a in alternates if a.url and a.code != language
        ],
        oembed_href=discovery_href(page_url) if entry and url_name in CARD_PAGES else "",
    )


@dataclass(frozen=True)
class EmbedCode:
    src: str
    html: str


@register.simple_tag(takes_context=True)
def embed_code(
    context: template.Context,
    entry: Entry,
    version: PublishedVersion | None = None,
    shown: Tactic | Countermeasure | None = None,
) -> EmbedCode | None:
    """The code that shows ``entry``'s card (at ``version``, if given, as ``shown`` there)
    in another page, or None for entries without a card (sources, drafts)."""
    request = context.get("request")
    if request is None or not isinstance(entry, Tactic | Countermeasure) or not entry.is_public:
        return None
    card = Card(entry=entry, shown=shown or entry, version=version or None)
    src = request.build_absolute_uri(card.embed_path)
    return EmbedCode(src=src, html=iframe_html(src, card.title, CARD_WIDTH, CARD_HEIGHT))
