"""Serving a built file: streamed, with its length, a strong ETag, and one byte range.

Django's ``FileResponse`` streams a file and sets its ``Content-Length`` (gunicorn then hands
it to the kernel with ``sendfile``), but does not answer ``Range``. A download that broke off
is resumed with one range (``bytes=N-``), which is what is handled here: one range, in any
of its three spellings, answered 206 with ``Content-Range``, or 416 when it starts past the
end. Several ranges, other units or a malformed header are ignored and the whole file is
sent, as HTTP allows (RFC 9110, section 14.2). ``If-Range`` naming another ETag (the file
changed since the first part was fetched) also gets the whole file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import datetime
from typing import IO, NamedTuple

from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date

BLOCK_SIZE = 64 * 1024
ONE_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


class ByteRange(NamedTuple):
    """Bytes ``first`` to ``last`` of a file, both included."""

    first: int
    last: int

    @property
    def length(self) -> int:
        return self.last - self.first + 1


class RangeNotSatisfiable(Exception):
    """The range asked for holds no byte of the file."""


def requested_range(header: str | None, size: int) -> ByteRange | None:
    """The one range ``header`` asks of a file of ``size`` bytes, or None for the whole
    file; raises RangeNotSatisfiable when the range starts past the end."""
    match = ONE_RANGE.fullmatch((header or "").strip())
    if match is None or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if not first:  # "bytes=-N": the last N bytes
        if int(last) == 0 or size == 0:
            raise RangeNotSatisfiable
        return ByteRange(max(0, size - int(last)), size - 1)
    if last and int(last) < int(first):
        return None  # not a valid range: ignored
    if int(first) >= size:
        raise RangeNotSatisfiable
    return ByteRange(int(first), min(int(last), size - 1) if last else size - 1)


def _part(file: IO[bytes], byte_range: ByteRange) -> Iterator[bytes]:
    with file:
        file.seek(byte_range.first)
        left = byte_range.length
        while left > 0:
            block = file.read(min(BLOCK_SIZE, left))
            if not block:
                return
            left -= len(block)
            yield block


def file_response(
    request: HttpRequest,
    file: IO[bytes],
    *,
    content_type: str,
    filename: str,
    etag: str,
    last_modified: datetime,
) -> HttpResponseBase:
    """The answer to a GET or HEAD of ``file`` (open, binary): the whole file, one range of
    it, 304 for a matching ``If-None-Match``, or 416. Closes ``file`` when done with it."""
    size = os.fstat(file.fileno()).st_size
    byte_range = None
    response: HttpResponseBase | None = get_conditional_response(
        request, etag=etag, last_modified=int(last_modified.timestamp())
    )
    if response is None and request.method == "GET":
        if_range = request.headers.get("If-Range")
        if if_range is None or if_range.strip() == etag:
            try:
                byte_range = requested_range(request.headers.get("Range"), size)
            except RangeNotSatisfiable:
                response = HttpResponse(
                    "The range asked for is past the end of the file.",
                    status=416,
                    content_type="text/plain; charset=utf-8",
                )
                response["Content-Range"] = f"bytes */{size}"
    if response is not None:
        file.close()
    elif request.method == "HEAD":
        file.close()
        response = HttpResponse(content_type=content_type)
        response["Content-Length"] = str(size)
    elif byte_range is not None:
        response = StreamingHttpResponse(
            _part(file, byte_range), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {byte_range.first}-{byte_range.last}/{size}"
        response["Content-Length"] = str(byte_range.length)
    else:
        response = FileResponse(file, content_type=content_type)
        response.block_size = BLOCK_SIZE
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified.timestamp())
    response["Accept-Ranges"] = "bytes"
    if response.status_code in (200, 206):
        response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
