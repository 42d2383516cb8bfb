"""Pages are sent compressed to browsers that accept it; downloads, static files and the
admin are not compressed again."""

from __future__ import annotations

import gzip

import pytest

from kb.downloads.build import build_downloads

from ..factories import make_tactic

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.mark.parametrize(
    "url", ["/", "/tactics/", "/ar/matrix/", "/api/tactics/", "/feeds/tactics/"]
)
def test_pages_and_the_api_are_compressed_for_browsers_that_accept_it(reader, url):
    make_tactic("Lantern signals")
    plain = reader.get(url)
    compressed = reader.get(url, **GZIP)
    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content)


def test_static_files_are_not_compressed_on_the_fly(reader):
    # whitenoise serves them as they are, or its own compressed copies built by collectstatic.
    response = reader.get("/static/kb/site.css", **GZIP)
    assert response.status_code == 200 and "Content-Encoding" not in response


def test_downloads_are_sent_as_they_are_not_compressed_again(reader):
    # A file of up to 150 MB goes out by sendfile, with its length known in advance.
    make_tactic("Lantern signals")
    build_downloads()
    response = reader.get("/downloads/kb.json", **GZIP)
    assert response.status_code == 200 and response.streaming
    assert "Content-Encoding" not in response and response["Content-Length"]


def test_the_admin_is_not_compressed(admin_client):
    response = admin_client.get("/admin/", **GZIP)
    assert response.status_code == 200 and "Content-Encoding" not in response
