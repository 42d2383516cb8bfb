"""The offline copy: the published knowledge base as static pages, for the file system or
any static web host, in one language or in every language.

Each page of ``kb.offline.pages`` is rendered once per build, through Django's own request
handling (the test client's handler, in process: the real middleware, views and templates,
so a copied page is the page readers get, in its language, with nothing to keep in step),
into a working folder. Each copy then takes the pages of its languages from there, with
links rewritten to relative files (kb.offline.links), and adds the static files the pages
use, the script catalogue of each language, the offline search index of each language
(kb.offline.search_index), and a README with the content's licence.

Why not a static-site library such as django-distill: it renders through the views too,
but asks every route to be declared with it (``distill_path`` in kb's address table) and
leaves links site-absolute, which do not work from ``file://``; the rewriting here is the
part the copy needs, and the rendering is Django's own.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http.request import validate_host
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from kb.downloads.editions import version_label
from kb.licence import content_licence_statement
from kb.models import current_content_version
from kb.models.translations import SOURCE_LANGUAGE, content_languages, language_name

from .links import STATIC_FOLDER, CopyLayout, LinkRewriter
from .pages import published_pages
from .search_index import search_index_chunks

README = "README.txt"


class OfflineCopyError(Exception):
    """A page of the copy could not be rendered: the copy would be incomplete."""


@dataclass(frozen=True)
class CopiedPage:
    """One address the copy holds: a page, or a script (the catalogue, the search index)."""

    address: str
    language: str
    script: bool = False
    #: The offline search index, written from its chunks (kb.offline.search_index).
    search_index: bool = False


def copied_pages(languages: Iterable[str]) -> list[CopiedPage]:
    """Everything a copy of ``languages`` holds, but the static files: every public page of
    each language, its script catalogue and its offline search index."""
    found = []
    for language in languages:
        found += [CopiedPage(address, language) for address in published_pages(language)]
        with translation.override(language):
            found += [
                CopiedPage(reverse("javascript-catalog"), language, script=True),
                CopiedPage(
                    reverse("kb:offline-search-index"), language, script=True, search_index=True
                ),
            ]
    return found


def _client() -> Client:
    """A client that asks as a reader of the live site would: its host (so that permanent
    links name the site), over HTTPS when the site is."""
    site = urlsplit(settings.KB_SITE_URL)
    allowed = [host.lstrip(".") for host in settings.ALLOWED_HOSTS if host.strip(".*")]
    host = next(
        (
            h
            for h in [site.netloc, *allowed]
            if validate_host(h.split(":")[0], settings.ALLOWED_HOSTS)
        ),
        "localhost",
    )
    return Client(HTTP_HOST=host, secure=site.scheme == "https" or settings.SECURE_SSL_REDIRECT)


def render_pages(pages: list[CopiedPage], folder: Path) -> None:
    """Render each of ``pages`` into ``folder``, where a copy of every language puts it."""
    layout = CopyLayout(tuple(content_languages()), settings.KB_SITE_URL)
    client = _client()
    # Requests under /es/ make Spanish this thread's language: it is put back afterwards.
    with translation.override(SOURCE_LANGUAGE):
        for page in pages:
            path = folder / layout.file_of(page.address, page.language, script=page.script)
            path.parent.mkdir(parents=True, exist_ok=True)
            if page.search_index:
                # Written a document at a time, not held whole as a response would be.
                with open(path, "w", encoding="utf-8") as out:
                    out.writelines(search_index_chunks(page.language))
                continue
            response = client.get(page.address)
            if response.status_code != 200:
                raise OfflineCopyError(f"{page.address} answered {response.status_code}.")
            path.write_bytes(response.content)


class CopyTarget(Protocol):
    """Where a copy is written: a folder, or a zip file."""

    def write(self, name: str, data: bytes) -> None: ...


class FolderTarget:
    """A copy written as files under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, name: str, data: bytes) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


class ZipTarget:
    """A copy written into an open zip file, in a folder ``root`` of its own (unzipping it
    makes one folder), each file dated ``moment`` (the content version's)."""

    def __init__(self, archive: zipfile.ZipFile, root: str, moment: datetime) -> None:
        self.archive = archive
        self.root = root
        self.date_time = moment.timetuple()[:6]

    def write(self, name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(f"{self.root}/{name}", date_time=self.date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self.archive.writestr(info, data, compresslevel=9)


def static_file(name: str) -> bytes:
    """The static file ``name`` as the site serves it (collected, or from the source)."""
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as file:
            return file.read()
    found = finders.find(name)
    if not found:
        raise OfflineCopyError(f"No static file {name}.")
    return Path(str(found)).read_bytes()


def readme(layout: CopyLayout, version: str) -> str:
    """What the copy is, how to open it, what needs the live site, and the licence."""
    language = layout.single_language or SOURCE_LANGUAGE
    with translation.override(language):
        names = ", ".join(language_name(code) for code in layout.languages)
        lines = [
            settings.KB_SITE_NAME,
            gettext("Offline copy of content version %(version)s, built on %(built)s.")
            % {"version": version, "built": timezone.now().strftime("%Y-%m-%d %H:%M UTC")},
            gettext("Languages: %(languages)s.") % {"languages": names},
            "",
            gettext(
                "Open index.html in a web browser (double-click it, or drag it into a browser "
                "window). Pages, links and the search work without a connection. The copy can "
                "also be put on any web server as it is."
            ),
            gettext(
                "Filtering lists, earlier versions of entries, suggestions and the downloads "
                "need the live site: %(site)s"
            )
            % {"site": layout.site_url},
            "",
        ]
    lines.append(content_licence_statement(settings.KB_SITE_NAME))
    return "\n".join(lines) + "\n"


def write_copy(
    pages: list[CopiedPage], rendered: Path, layout: CopyLayout, target: CopyTarget
) -> None:
    """Write the copy of ``layout``'s languages into ``target``, from the pages rendered
    into ``rendered`` (``render_pages``)."""
    everything = CopyLayout(tuple(content_languages()), layout.site_url)
    held = [page for page in pages if page.language in layout.languages]
    files = {
        page.address: layout.file_of(page.address, page.language, script=page.script)
        for page in held
    }
    for language in layout.languages:
        with translation.override(language):
            # The search box of every page opens the offline search.
            files[reverse("kb:search")] = files[reverse("kb:offline-search")]
    rewriter = LinkRewriter(layout, files)
    for page in held:
        data = (
            rendered / everything.file_of(page.address, page.language, script=page.script)
        ).read_bytes()
        name = files[page.address]
        if not page.script:
            data = rewriter.page(data.decode(), name, page.address).encode()
        target.write(name, data)
    for name in sorted(rewriter.static_files):
        target.write(STATIC_FOLDER + name, static_file(name))
    target.write(
        README, readme(layout, version_label(current_content_version().changed_at)).encode()
    )


def write_zip(
    path: Path,
    pages: list[CopiedPage],
    rendered: Path,
    layout: CopyLayout,
    *,
    root: str,
    moment: datetime,
) -> None:
    """Write the copy of ``layout``'s languages as the zip file ``path``, in a folder
    ``root``, from the pages rendered into ``rendered``. Each file is read from the disk and
    deflated into the zip on the disk in turn: the memory this takes grows only with the
    zip's directory (a few hundred bytes per file), never with the pages themselves."""
    with zipfile.ZipFile(path, "w") as archive:
        write_copy(pages, rendered, layout, ZipTarget(archive, root, moment))


def build_copies(copies: dict[Path, tuple[str, ...]], *, roots: dict[Path, str]) -> None:
    """Write each zip file of ``copies`` (its path, and the languages it holds), each in a
    folder named by ``roots``, rendering every page once."""
    languages = sorted(
        {code for held in copies.values() for code in held}, key=content_languages().index
    )
    pages = copied_pages(languages)
    moment = current_content_version().changed_at
    with tempfile.TemporaryDirectory(prefix="kb-offline-") as working:
        render_pages(pages, Path(working))
        for path, held in copies.items():
            layout = CopyLayout(held, settings.KB_SITE_URL)
            write_zip(path, pages, Path(working), layout, root=roots[path], moment=moment)


def build_folder(output: Path, languages: tuple[str, ...]) -> None:
    """Write the copy of ``languages`` as files in the folder ``output``."""
    pages = copied_pages(languages)
    with tempfile.TemporaryDirectory(prefix="kb-offline-") as working:
        render_pages(pages, Path(working))
        write_copy(
            pages, Path(working), CopyLayout(languages, settings.KB_SITE_URL), FolderTarget(output)
        )
