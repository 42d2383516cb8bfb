"""A source's text from what curators give: pasted text, or an uploaded .txt, .html or .pdf
file, as plain text with one paragraph per block and a blank line between blocks.

Every way in ends in ``tidy_paragraphs``, so "paragraph N" means the same thing whatever
the format. A file that cannot be read raises ``ExtractionError`` with a message for the
curator (the admin shows it on the form), never anything else.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from kb.models import TextFormat

logger = logging.getLogger(__name__)

EXTENSIONS = {
    ".txt": TextFormat.TEXT,
    ".text": TextFormat.TEXT,
    ".html": TextFormat.HTML,
    ".htm": TextFormat.HTML,
    ".pdf": TextFormat.PDF,
}
"""The files a stored text may be uploaded as, by their name's ending."""


class ExtractionError(ValueError):
    """A text or file that cannot become a stored text; the message says why, for curators."""


@dataclass(frozen=True)
class ExtractedText:
    """A source's text, ready to store: its paragraphs, the format it came in and the
    uploaded file's name (empty when pasted)."""

    text: str
    original_format: TextFormat
    original_name: str = ""


def max_upload_bytes() -> int:
    """The largest file accepted (``KB_SOURCE_TEXT_MAX_UPLOAD_BYTES``)."""
    return settings.KB_SOURCE_TEXT_MAX_UPLOAD_BYTES


def max_text_chars() -> int:
    """The longest text kept once extracted (``KB_SOURCE_TEXT_MAX_CHARS``)."""
    return settings.KB_SOURCE_TEXT_MAX_CHARS


def tidy_paragraphs(text: str, lines_are_paragraphs: bool = True) -> str:
    """Plain text as stored: paragraphs separated by one blank line, spaces within a line
    collapsed, line breaks within a paragraph kept.

    Typed or pasted text with no blank line at all (copied from many web pages) has one
    paragraph per line, unless ``lines_are_paragraphs`` is off (a PDF's lines are wrapped
    within a paragraph)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    lines = [re.sub(r"[ \t\f\v\u00a0]+", " ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines).strip()
    if lines_are_paragraphs and "\n\n" not in text:
        text = text.replace("\n", "\n\n")
    return re.sub(r"\n{3,}", "\n\n", text)


def _checked(text: str, original_format: TextFormat, name: str = "") -> ExtractedText:
    text = tidy_paragraphs(text, lines_are_paragraphs=original_format != TextFormat.PDF)
    if not text:
        raise ExtractionError(_("There is no text in it to store."))
    if len(text) > max_text_chars():
        raise ExtractionError(
            _("The text is too long to store: %(length)s characters, at most %(limit)s.")
            % {"length": f"{len(text):,}", "limit": f"{max_text_chars():,}"}
        )
    return ExtractedText(text, original_format, name)


def from_pasted(text: str) -> ExtractedText:
    """Text pasted into the form."""
    return _checked(text, TextFormat.PASTED)


def from_upload(upload: UploadedFile) -> ExtractedText:
    """An uploaded .txt, .html or .pdf file's text."""
    name = PurePath(upload.name or "").name
    kind = EXTENSIONS.get(PurePath(name).suffix.lower())
    if kind is None:
        raise ExtractionError(
            _("Upload a .txt, .html or .pdf file; “%(name)s” is none of them.") % {"name": name}
        )
    size = upload.size or 0
    if size > max_upload_bytes():
        raise ExtractionError(
            _("The file is too large: %(size)s, at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_upload_bytes())}
        )
    content = upload.read(max_upload_bytes() + 1)
    if len(content) > max_upload_bytes():  # the reported size can be wrong
        raise ExtractionError(
            _("The file is too large: at most %(limit)s.")
            % {"limit": filesizeformat(max_upload_bytes())}
        )
    if kind == TextFormat.PDF:
        text = text_of_pdf(content)
    elif kind == TextFormat.HTML:
        text = text_of_html(decode(content, _html_charset(content)))
    else:
        text = decode(content)
    return _checked(text, kind, name)


def decode(content: bytes, declared: str | None = None) -> str:
    """A text file's bytes as text: UTF-8 (with or without a byte order mark), else the
    encoding the file declares, else Windows-1252 (what older Western files mostly are)."""
    if b"\x00" in content:
        raise ExtractionError(_("This is not a text file."))
    for encoding in ("utf-8-sig", declared, "cp1252"):
        if not encoding:
            continue
        try:
            return content.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise ExtractionError(_("The file's characters cannot be read; save it as UTF-8 text."))


def _html_charset(content: bytes) -> str | None:
    found = re.search(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_.:-]+)""", content[:4096], re.I)
    return found.group(1).decode("ascii") if found else None


class _ParagraphsOfHtml(HTMLParser):
    """Collects an HTML page's text, a paragraph per block element, without scripts,
    styles and the page's head."""

    BLOCKS = frozenset(
        "address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 "
        "h3 h4 h5 h6 header hr li main nav ol p pre section table td th tr ul".split()
    )
    SKIPPED = frozenset("head script style noscript template svg math iframe object".split())

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.words: list[str] = []
        self.skipping: list[str] = []
        self.preformatted = 0

    def _end_paragraph(self) -> None:
        text = "".join(self.words)
        text = text.strip() if self.preformatted else re.sub(r"\s+", " ", text).strip()
        if text:
            self.paragraphs.append(text)
        self.words = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.SKIPPED:
            self.skipping.append(tag)
        elif tag in self.BLOCKS and not self.skipping:
            self._end_paragraph()
            self.preformatted += tag == "pre"

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag in self.BLOCKS and not self.skipping:
            self._end_paragraph()

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag in self.BLOCKS:
            self._end_paragraph()
            if tag == "pre" and self.preformatted:
                self.preformatted -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.words.append(data)

    def close(self) -> None:
        super().close()
        self._end_paragraph()


def text_of_html(html: str) -> str:
    """An HTML page's text with its paragraphs (block elements) kept, scripts, styles and
    the head left out."""
    parser = _ParagraphsOfHtml()
    parser.feed(html)
    parser.close()
    return "\n\n".join(parser.paragraphs)


def text_of_pdf(content: bytes) -> str:
    """A PDF's text, page after page. Its layout is kept enough that a gap between lines
    (a blank line) separates paragraphs; spacing within a line is collapsed."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    # pypdf parses untrusted bytes: any failure of it is a bad file, never a server error.
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionError(_("The PDF is protected by a password; upload an open copy."))
        if len(reader.pages) > settings.KB_SOURCE_TEXT_MAX_PDF_PAGES:
            raise ExtractionError(
                _("The PDF has too many pages: %(pages)s, at most %(limit)s.")
                % {"pages": len(reader.pages), "limit": settings.KB_SOURCE_TEXT_MAX_PDF_PAGES}
            )
        pages = [_page_text(page) for page in reader.pages]
    except ExtractionError:
        raise
    except FileNotDecryptedError as error:
        raise ExtractionError(
            _("The PDF is protected by a password; upload an open copy.")
        ) from error
    except PdfReadError as error:
        raise ExtractionError(_("This file is not a PDF that can be read.")) from error
    except Exception as error:
        logger.warning("A PDF could not be read: %r", error)
        raise ExtractionError(_("This file is not a PDF that can be read.")) from error
    text = "\n\n".join(page for page in pages if page.strip())
    if not text.strip():
        raise ExtractionError(
            _("The PDF has no text to extract (a scanned image?); paste its text instead.")
        )
    return text


def _page_text(page) -> str:
    try:
        return page.extract_text(extraction_mode="layout")
    except Exception:  # the layout mode is stricter about fonts; the plain one still reads
        return page.extract_text()
