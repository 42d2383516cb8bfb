"""Bulk downloads of the published knowledge base: JSON, CSV and a STIX 2.1 bundle.

The files are built once per content version, outside any request (kb.downloads.build: a
management command, or a thread started after a change), into a folder of their own
(kb.downloads.editions), and served from there as files (kb.downloads.views). Every file
says when it was built and which content version it holds; two files of the same version
hold the same content.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


class SiteAddress:
    """The site's public address (settings.KB_SITE_URL), which absolute links in the
    downloads start with: the files are built outside any request, so no request can say
    which host a reader used. It answers ``build_absolute_uri`` as a request would, for the
    API's serializers."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    def build_absolute_uri(self, location: str) -> str:
        """The absolute URL of a path on the site (``/tactics/TT-0001/slug/``)."""
        return self.base_url + location


def read_in_chunks(entries: QuerySet[M], chunk_size: int) -> Iterator[M]:
    """The rows of ``entries``, read ``chunk_size`` at a time with their prefetched
    relations, the garbage collector running after each chunk.

    A chunk's entries and what they prefetched point at each other (a prefetched list
    knows its entry), so once done with they wait for the collector's next full
    collection, which Python makes rarer the more objects a process holds: without this,
    the entries of many chunks would pile up before it came.
    """
    for count, entry in enumerate(entries.iterator(chunk_size=chunk_size), start=1):
        yield entry
        if count % chunk_size == 0:
            gc.collect()
