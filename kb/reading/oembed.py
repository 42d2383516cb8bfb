"""oEmbed (https://oembed.com/): an editor or course platform that is given a kb link asks
``/oembed?url=<the link>&format=json`` what to show, and kb answers with its card.

The answer is a "rich" response whose HTML is the card's ``<iframe>``, sized within the
consumer's ``maxwidth`` and ``maxheight``, with the entry's preview picture as thumbnail
where one of its sizes fits. Any address of a public tactic or countermeasure on this site
works: its page with or without slug, an old slug, a lower-case ID, any language's prefix
(the card is in that language), a version's page (the version's card), the card itself.

As the specification says: 404 for a URL kb has no card for (drafts included: a private
entry is not told apart from one that does not exist), 501 for a format other than JSON,
and 400 for a request without a usable ``url`` or with a malformed maximum size.
"""

from __future__ import annotations

from urllib.parse import SplitResult, quote, urlsplit

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext

from kb.models import Countermeasure, Tactic
from kb.reading import previews
from kb.reading.embeds import (
    CARD_HEIGHT,
    CARD_WIDTH,
    Card,
    current_card,
    embeddable_entry,
    iframe_html,
    published_version,
    version_card,
)
from kb.reading.views import entry_with_slug

#: How long a consumer may keep an answer, in seconds: a day, like the page cache.
CACHE_AGE = 24 * 3600
KINDS: dict[str, type[Tactic] | type[Countermeasure]] = {
    "tactic": Tactic,
    "countermeasure": Countermeasure,
}
PAGES = {"detail", "detail-short", "version", "by-slug"}


class BadRequest(Exception):
    """The request cannot be answered as asked (400), with a message saying why."""


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


def _dimension(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise BadRequest(gettext("%(name)s must be a whole number of pixels.") % {"name": name})
    return int(value)


def _our_address(request: HttpRequest, url: str) -> SplitResult | None:
    """``url`` taken apart, if it is an address on this site (the host the request came
    to, or KB_SITE_URL's); None for another site. BadRequest if it is no web address."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (an out-of-range port raises here)
    except ValueError as error:
        raise BadRequest(gettext("url is not a web address.")) from error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadRequest(gettext("url is not a web address."))
    ours = {request.get_host().lower(), urlsplit(settings.KB_SITE_URL).netloc.lower()}
    return parts if parts.netloc.lower() in ours else None


def card_at(path: str) -> Card | None:
    """The card for the kb page at ``path`` (in the active language), or None."""
    if not path.endswith("/"):
        path += "/"
    try:
        match = resolve(path)
    except Resolver404:
        return None
    name, kwargs = match.url_name or "", match.kwargs
    if match.namespace != "kb":
        return None
    if name in ("embed", "embed-version"):
        entry = embeddable_entry(kwargs["public_id"])
    else:
        kind, _, page = name.partition("-")
        model = KINDS.get(kind)
        if model is None or page not in PAGES:
            return None
        if page == "by-slug":
            found = entry_with_slug(model, kwargs["slug"])
            entry = embeddable_entry(found.public_id) if found is not None else None
        else:
            entry = embeddable_entry(kwargs["public_id"], model)
    if entry is None:
        return None
    if "number" not in kwargs:
        return current_card(entry)
    version = published_version(entry, kwargs["number"])
    return version_card(entry, version) if version is not None else None


def _thumbnail(origin: str, card: Card, width: int, height: int) -> dict:
    """The largest preview picture within ``width``  x  ``height``, if any is."""
    for size in previews.WIDTHS:
        if size <= width and previews.height_at(size) <= height:
            return {
                "thumbnail_url": origin + previews.preview_path(card.entry, size),
                "thumbnail_width": size,
                "thumbnail_height": previews.height_at(size),
            }
    return {}


def oembed(request: HttpRequest) -> JsonResponse:
    """The oEmbed answer for the kb address in ``?url=``."""
    if request.GET.get("format", "json") != "json":
        return _error(501, gettext("Only the JSON format is available."))
    url = request.GET.get("url", "").strip()
    try:
        if not url:
            raise BadRequest(gettext("url is required: the address of a page of this site."))
        max_width = _dimension(request, "maxwidth")
        max_height = _dimension(request, "maxheight")
        parts = _our_address(request, url)
    except BadRequest as error:
        return _error(400, str(error))
    if parts is None:
        return _error(404, gettext("kb has no card for that address."))
    language = translation.get_language_from_path(parts.path) or settings.LANGUAGE_CODE
    with translation.override(language):
        card = card_at(parts.path)
        if card is None:
            return _error(404, gettext("kb has no card for that address."))
        origin = f"{parts.scheme}://{parts.netloc}"
        width = min(CARD_WIDTH, max_width or CARD_WIDTH)
        height = min(CARD_HEIGHT, max_height or CARD_HEIGHT)
        home = origin + "/"
        answer = {
            "version": "1.0",
            "type": "rich",
            "title": card.title,
            "author_name": settings.KB_SITE_NAME,
            "author_url": home,
            "provider_name": settings.KB_SITE_NAME,
            "provider_url": home,
            "cache_age": CACHE_AGE,
            "html": iframe_html(origin + card.embed_path, card.title, width, height),
            "width": width,
            "height": height,
            **_thumbnail(origin, card, max_width or 10**6, max_height or 10**6),
        }
    response = JsonResponse(answer, json_dumps_params={"ensure_ascii": False})
    # Editors that ask from the reader's browser may read it too: it is public, read-only.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def discovery_href(page_url: str) -> str:
    """The oEmbed address announced in a page's head: the endpoint with the page's
    address and the format, and no other parameter (as the specification asks)."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(page_url))
    return f"{origin}/oembed?url={quote(page_url, safe='')}&format=json"
