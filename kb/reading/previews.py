"""Link previews: the picture chat apps, social networks and course platforms show beside a
shared kb link (``og:image``), drawn here with Pillow, never by a third party.

Each public entry has one per language (``/tactics/TT-0001/preview.png``,
``/ar/tactics/TT-0001/preview.png``), and so has the site (``/preview.png``): 1200x630
pixels, the size Open Graph and Twitter cards show large, with the entry's kind, permanent
ID, name, the start of its summary and the site's name, in the page's language. Smaller
copies (``preview-600.png``, ``preview-300.png``) serve as oEmbed thumbnails, which must fit
the consumer's maximum size.

Arabic is shaped and laid out right to left by libraqm (with FriBiDi and HarfBuzz), which
Pillow's wheels carry except FriBiDi, loaded from the system (Debian's ``libfribidi0``); the
letters come from DejaVu Sans (``fonts-dejavu-core``). Pictures are answered like pages:
the page cache keeps them per content version, with an ETag.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language_bidi, get_language_info, gettext_lazy
from PIL import Image, ImageDraw, ImageFont, features

from kb.models import Countermeasure, Entry, Source, Tactic, canonical_public_id
from kb.models.translations import reading_language, shown_language

WIDTH, HEIGHT = 1200, 630
#: The widths a preview is drawn at: the full size, and thumbnails for oEmbed consumers.
WIDTHS = (1200, 600, 300)
# Debian's fonts-dejavu-core: DejaVu Sans has Latin, Arabic and many other scripts' letters.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
# The site's colours (static/kb/site.css).
BACKGROUND, TEXT, MUTED, ACCENT, LINE = "#fbfaf7", "#1d1f21", "#5a5f66", "#1f5f8b", "#d9d6cf"
MARGIN, BAND = 72, 18
KINDS = {
    Tactic: gettext_lazy("Tactic"),
    Countermeasure: gettext_lazy("Countermeasure"),
    Source: gettext_lazy("Source"),
}
SITE_DESCRIPTION = gettext_lazy(
    "A curated, citable knowledge base of the technology tactics human traffickers use, "
    "and the countermeasures against them."
)


def height_at(width: int) -> int:
    """The height of a preview ``width`` pixels wide (1200x630 scaled)."""
    return round(width * HEIGHT / WIDTH)


@dataclass(frozen=True)
class Preview:
    """What one preview shows. ``heading`` and ``body`` carry the language they are in
    (a translation may be missing, and English shown instead)."""

    kicker: str
    heading: str
    heading_language: str
    body: str
    body_language: str
    footer: str
    #: The page's language, which sets which side the text starts from.
    language: str
    right_to_left: bool


@lru_cache(maxsize=16)
def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    # libraqm shapes Arabic and lays out mixed directions; without it (a missing system
    # library) letters would come out unjoined and in the wrong order.
    layout = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(FONT_DIR / name), size, layout_engine=layout)


def _direction(language: str) -> str:
    return "rtl" if get_language_info(language)["bidi"] else "ltr"


def _lines(text: str, font: ImageFont.FreeTypeFont, width: int, most: int, language: str):
    """``text`` broken into at most ``most`` lines no wider than ``width``; the last ends
    with an ellipsis when the text does not fit."""
    direction = _direction(language)

    def fits(line: str) -> bool:
        return font.getlength(line, direction=direction, language=language) <= width

    lines: list[str] = []
    words = text.split()
    while words and len(lines) < most:
        line = words.pop(0)
        while words and fits(f"{line} {words[0]}"):
            line = f"{line} {words.pop(0)}"
        lines.append(line)
    if words and lines:
        last = lines[-1]
        while last and not fits(f"{last}…"):
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        lines[-1] = f"{last}…"
    return lines


def draw(preview: Preview, width: int = WIDTH) -> bytes:
    """The preview as a PNG ``width`` pixels wide (drawn at full size, then scaled)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    canvas = ImageDraw.Draw(image)
    rtl = preview.right_to_left
    # The accent band on the side the text starts from.
    band_x = WIDTH - BAND if rtl else 0
    canvas.rectangle((band_x, 0, band_x + BAND, HEIGHT), fill=ACCENT)
    x = WIDTH - MARGIN if rtl else MARGIN
    anchor = "ra" if rtl else "la"
    text_width = WIDTH - 2 * MARGIN

    def write(y: int, text: str, font, fill: str, language: str) -> None:
        canvas.text(
            (x, y),
            text,
            font=font,
            fill=fill,
            anchor=anchor,
            direction=_direction(language),
            language=language,
        )

    y = 64
    write(y, preview.kicker, _font(BOLD, 34), ACCENT, preview.language)
    y += 72
    heading_font = _font(BOLD, 60)
    for line in _lines(preview.heading, heading_font, text_width, 3, preview.heading_language):
        write(y, line, heading_font, TEXT, preview.heading_language)
        y += 74
    y += 18
    body_font = _font(REGULAR, 32)
    room = max(1, (HEIGHT - 130 - y) // 44)
    for line in _lines(preview.body, body_font, text_width, room, preview.body_language):
        write(y, line, body_font, MUTED, preview.body_language)
        y += 44
    canvas.line((MARGIN, HEIGHT - 104, WIDTH - MARGIN, HEIGHT - 104), fill=LINE, width=2)
    write(HEIGHT - 80, preview.footer, _font(REGULAR, 30), TEXT, preview.language)
    if width != WIDTH:
        image = image.resize((width, height_at(width)), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def entry_preview_of(entry: Entry) -> Preview:
    """What ``entry``'s preview shows, in the active language."""
    language = reading_language()
    name_field = "title" if isinstance(entry, Source) else "name"
    return Preview(
        kicker=f"{KINDS[type(entry)]} · {entry.public_id}",
        heading=getattr(entry, name_field),
        heading_language=shown_language(entry, name_field) if name_field == "name" else "en",
        body=getattr(entry, "summary", "") or "",
        body_language=shown_language(entry, "summary"),
        footer=settings.KB_SITE_NAME,
        language=language,
        right_to_left=get_language_bidi(),
    )


def site_preview_of() -> Preview:
    """What the site's own preview shows (every page that is not an entry's)."""
    language = reading_language()
    return Preview(
        kicker="kb",
        heading=settings.KB_SITE_NAME,
        heading_language="en",
        body=str(SITE_DESCRIPTION),
        body_language=language,
        footer=settings.KB_SITE_URL.split("://", 1)[-1],
        language=language,
        right_to_left=get_language_bidi(),
    )


def _png(content: bytes) -> HttpResponse:
    return HttpResponse(content, content_type="image/png")


def _width(width: int) -> int:
    if width not in WIDTHS:
        raise Http404("No preview of that size.")
    return width


def entry_image(
    request: HttpRequest, public_id: str, model: type[Entry], width: int = WIDTH
) -> HttpResponse:
    """A public entry's preview picture; a draft's is not found, like its page. Another
    spelling of the ID redirects to the canonical one."""
    width = _width(width)
    canonical = canonical_public_id(public_id, model.PUBLIC_ID_PREFIX)
    entry = model.objects.public().filter(public_id=canonical).first() if canonical else None
    if entry is None:
        raise Http404("No such entry.")
    if public_id != entry.public_id:
        return redirect(preview_path(entry, width), permanent=True)
    return _png(draw(entry_preview_of(entry), width))


def site_image(request: HttpRequest, width: int = WIDTH) -> HttpResponse:
    """The site's own preview picture, in the address's language."""
    return _png(draw(site_preview_of(), _width(width)))


def preview_path(entry: Entry | None, width: int = WIDTH) -> str:
    """The address of ``entry``'s preview (the site's for None), ``width`` pixels wide, in
    the active language."""
    if entry is None:
        if width == WIDTH:
            return reverse("kb:site-preview")
        return reverse("kb:site-preview-sized", args=[width])
    kind = type(entry)._meta.model_name
    if width == WIDTH:
        return reverse(f"kb:{kind}-preview", args=[entry.public_id])
    return reverse(f"kb:{kind}-preview-sized", args=[entry.public_id, width])
