"""Serving a built file: streamed with its length and a strong ETag, one byte range at a
time (206, or 416 past the end), 304 when unchanged, headers alone for HEAD."""

import json
import re

import pytest

from kb.downloads.build import build_downloads
from kb.downloads.serving import ByteRange, RangeNotSatisfiable, requested_range

from ..factories import make_tactic

pytestmark = pytest.mark.django_db

URL = "/downloads/kb.json"


@pytest.fixture
def whole(reader) -> bytes:
    """kb.json of a small knowledge base, as a whole download gives it."""
    for n in range(3):
        make_tactic(f"Lantern {n}", summary="A long summary. " * 50)
    build_downloads()
    return reader.get(URL).getvalue()


def test_a_file_is_streamed_with_its_length_and_a_strong_etag(reader, whole):
    response = reader.get(URL)
    assert response.status_code == 200
    assert response.streaming  # sent from the file, never held as one string
    assert int(response["Content-Length"]) == len(whole)
    assert re.fullmatch(r'"[0-9a-f]{32}"', response["ETag"])
    assert response["Accept-Ranges"] == "bytes"
    assert response["Last-Modified"]
    assert response["KB-Edition"] == "current"
    assert response["KB-Content-Version"] == json.loads(whole)["content_version"]


@pytest.mark.parametrize(
    "header, first, last",
    [("bytes=0-99", 0, 99), ("bytes=100-", 100, None), ("bytes=-50", -50, None),
     ("bytes=10-999999999", 10, None), ("bytes=7-7", 7, 7)],
)  # fmt: skip
def test_a_range_is_answered_206_with_that_part_alone(reader, whole, header, first, last):
    size = len(whole)
    part = whole[first : None if last is None else last + 1]
    response = reader.get(URL, HTTP_RANGE=header)
    assert response.status_code == 206
    assert response.getvalue() == part
    assert int(response["Content-Length"]) == len(part)
    start = first % size
    assert response["Content-Range"] == f"bytes {start}-{start + len(part) - 1}/{size}"
    assert response["Content-Disposition"].startswith("attachment")


def test_a_broken_download_resumes_where_it_stopped(reader, whole):
    first = reader.get(URL)
    received = first.getvalue()[:1000]
    rest = reader.get(URL, HTTP_RANGE=f"bytes={len(received)}-", HTTP_IF_RANGE=first["ETag"])
    assert rest.status_code == 206
    assert received + rest.getvalue() == whole


def test_a_range_of_another_edition_gets_the_whole_file(reader, whole):
    response = reader.get(URL, HTTP_RANGE="bytes=1000-", HTTP_IF_RANGE='"an-older-edition"')
    assert response.status_code == 200
    assert response.getvalue() == whole


@pytest.mark.parametrize(
    "header", ["bytes=0-9,20-29", "lines=1-2", "bytes=9-1", "bytes=-", "bytes=a-b", "0-9"]
)
def test_ranges_kb_does_not_serve_get_the_whole_file(reader, whole, header):
    response = reader.get(URL, HTTP_RANGE=header)
    assert response.status_code == 200
    assert response.getvalue() == whole


@pytest.mark.parametrize("start", ["{size}", "{size_plus}"])
def test_a_range_past_the_end_is_416(reader, whole, start):
    size = len(whole)
    header = "bytes=" + start.format(size=size, size_plus=size + 10) + "-"
    response = reader.get(URL, HTTP_RANGE=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{size}"
    assert reader.get(URL, HTTP_RANGE="bytes=-0").status_code == 416


def test_an_unchanged_file_is_answered_304(reader, whole):
    etag = reader.get(URL)["ETag"]
    response = reader.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag


def test_head_gives_the_headers_alone(reader, whole):
    response = reader.head(URL)
    assert response.status_code == 200
    assert int(response["Content-Length"]) == len(whole)
    assert response.content == b""
    assert response["ETag"] == reader.get(URL)["ETag"]


@pytest.mark.parametrize(
    "header, size, expected",
    [(None, 10, None), ("bytes=0-4", 10, ByteRange(0, 4)), ("bytes=5-", 10, ByteRange(5, 9)),
     ("bytes=-3", 10, ByteRange(7, 9)), ("bytes=-30", 10, ByteRange(0, 9)),
     ("bytes=8-20", 10, ByteRange(8, 9)), (" bytes=1-2 ", 10, ByteRange(1, 2)),
     ("bytes=4-3", 10, None), ("bytes=0-1,3-4", 10, None), ("items=0-1", 10, None)],
)  # fmt: skip
def test_requested_range(header, size, expected):
    assert requested_range(header, size) == expected


@pytest.mark.parametrize("header, size", [("bytes=10-", 10), ("bytes=-0", 10), ("bytes=-5", 0)])
def test_unsatisfiable_ranges(header, size):
    with pytest.raises(RangeNotSatisfiable):
        requested_range(header, size)
