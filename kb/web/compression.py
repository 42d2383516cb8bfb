"""Compressed pages for readers on slow connections (docs/performance.md, "Light on slow
connections"): an HTML page is a third of its size or less once compressed.

Django's ``GZipMiddleware`` compresses every response it is given; this one leaves alone
what is better served as it is:

- streamed responses: downloads (whitenoise's ``sendfile`` of files up to 150 MB) and
  static files, which whitenoise already serves compressed (``.gz``/``.br`` built by
  ``collectstatic``);
- anything but text (HTML, JSON, XML feeds and sitemaps, plain text, JavaScript);
- the admin: its pages carry a reader's own data next to text an attacker may reflect,
  the case the BREACH attack needs, and editors work from offices, not slow-3G phones.

Public pages hold no secret for BREACH to find (they are the same for every anonymous
reader, and the page cache stores them so); Django (4.2+) also pads each compressed
response with random bytes.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

COMPRESSED_TYPES = (
    "text/",
    "application/json",
    "application/xml",
    "application/atom+xml",
    "application/javascript",
    "application/schema+json",
)
UNCOMPRESSED_PREFIXES = ("/admin/",)


class CompressedPagesMiddleware(GZipMiddleware):
    """Gzip the text pages kb renders, for browsers that accept it."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        content_type = response.get("Content-Type", "")
        if (
            response.streaming
            or not content_type.startswith(COMPRESSED_TYPES)
            or request.path.startswith(UNCOMPRESSED_PREFIXES)
        ):
            return response
        return super().process_response(request, response)
