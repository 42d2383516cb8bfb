"""Markdown written by admins, rendered to HTML that is safe to show to readers."""

import threading

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

# No images, iframes or styles: a page must make no request to a third party and cannot be
# restyled or scripted by an entry's text.
ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h3", "h4", "h5", "h6", "hr", "li", "ol",
    "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


_converters = threading.local()


def _converter() -> markdown_lib.Markdown:
    # Building a converter compiles all its patterns, which costs more than most texts take
    # to convert; one per thread (a converter keeps state while it works), reset per use.
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown_lib.Markdown(
            extensions=["tables", "sane_lists"]
        )
    return converter.reset()


def render_markdown(text: str) -> SafeString:
    """Render Markdown, then keep only an allow-list of tags, attributes and URL schemes.

    Headings start at h3 so that an entry's text never competes with the page's own outline.
    """
    html = _converter().convert(text or "")
    html = html.replace("<h1>", "<h3>").replace("</h1>", "</h3>")
    html = html.replace("<h2>", "<h4>").replace("</h2>", "</h4>")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(cleaned)
