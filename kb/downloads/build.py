"""Building the edition of the current content version, outside any request.

Three things start a build, and all three call ``build_downloads``:

- ``manage.py build_downloads``, for deploys, cron or a systemd timer; it waits for a build
  already running on the machine, then builds if the edition is still missing;
- a change: once committed, ``content_version_changed`` starts ``build_in_background``, a
  thread in the process that made the change, so the editor's save is not kept waiting;
- a reader asking for a file whose current edition is missing (a change made on another
  machine, or a build cut short when its process was replaced): the request is served the
  previous edition, or "being prepared", and starts the same thread.

Why a thread, and not a task queue: a build is a single job that reads the database and
writes files, and it must run at most once at a time per machine. A thread needs nothing
new to deploy and sees the same settings and database as the process that changed the
content. Two locks keep it to one build: a ``threading.Lock`` per process (a second change
in the same process does not start a second thread) and ``fcntl.flock`` on a file in the
downloads folder per machine (processes do not build the same files twice; the kernel
releases the lock if a process dies). A build that finds the version moved on while it
worked builds again, so the last change is never left unbuilt; after a failure, readers'
requests do not start another attempt for ``RETRY_AFTER_FAILURE`` seconds (changes and the
command still do).

A build reads one consistent moment: on PostgreSQL a ``REPEATABLE READ, READ ONLY``
transaction; on SQLite (where a transaction would hold the write lock and keep editors
waiting for the whole build) none, and an edition whose version moved on during the build
is thrown away and built again. Entries are read a chunk at a time (``CHUNK_SIZE``) and
written as they are read, so the memory a build takes does not grow with the knowledge base.

The offline copies (kb.offline.export) are built last, in the same moment of the database:
every page of every language is rendered once, one at a time, into a working folder on the
disk, and each zip is then written to its file a page at a time. Their memory grows only
with the zips' directories (a few hundred bytes per page), never with the pages' text.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone, translation

from kb.models import ContentVersion, current_content_version
from kb.models.translations import SOURCE_LANGUAGE, content_languages
from kb.offline.export import copied_pages, render_pages, write_zip
from kb.offline.links import CopyLayout

from . import SiteAddress
from .document import write_document
from .editions import (
    CSV_FILES,
    FILES,
    MANIFEST,
    OFFLINE_FILES,
    PARTIAL_PREFIX,
    Edition,
    built_editions,
    downloads_dir,
    edition_files,
    edition_of,
    folder_name,
)
from .stix import write_bundle
from .tabular import write_table

logger = logging.getLogger(__name__)

CHUNK_SIZE = 500
LOCK_FILE = ".build.lock"
RETRY_AFTER_FAILURE = 300  # seconds
BLOCK_SIZE = 64 * 1024


def _csv_writer(name: str) -> Callable[..., None]:
    def write(out: TextIO, edition: Edition, site: SiteAddress, *, chunk_size: int) -> None:
        write_table(out, name, site.build_absolute_uri, chunk_size=chunk_size)

    return write


# How each file is written, and in which text encoding (CSV files start with a byte order
# mark, so that spreadsheet programs read accents right).
WRITERS: dict[str, tuple[Callable[..., None], str]] = {
    "kb.json": (write_document, "utf-8"),
    **{name: (_csv_writer(name.removesuffix(".csv")), "utf-8-sig") for name in CSV_FILES},
    "kb.stix.json": (write_bundle, "utf-8"),
}


def write_file(
    name: str,
    path: Path,
    edition: Edition,
    *,
    chunk_size: int = CHUNK_SIZE,
    language: str = SOURCE_LANGUAGE,
) -> dict:
    """Write the download ``name`` of ``edition`` in ``language`` to ``path``; its size,
    SHA-256 and how long it took."""
    started = time.perf_counter()
    writer, encoding = WRITERS[name]
    site = SiteAddress(settings.KB_SITE_URL)
    # Entries read their text, and links their addresses, in the active language: the
    # file's own, whatever language the process (or the request that built it) was in.
    with (
        translation.override(language),
        open(path, "wb") as raw,
        io.TextIOWrapper(raw, encoding=encoding, newline="") as out,
    ):
        writer(out, edition, site, chunk_size=chunk_size)
    return _figures(path, started)


def _figures(path: Path, started: float) -> dict:
    """The manifest's figures of the file written at ``path``: its size, SHA-256, and the
    seconds since ``started``."""
    digest = hashlib.sha256()
    with open(path, "rb") as written:
        for block in iter(lambda: written.read(BLOCK_SIZE), b""):
            digest.update(block)
    return {
        "bytes": path.stat().st_size,
        "sha256": digest.hexdigest(),
        "seconds": round(time.perf_counter() - started, 2),
    }


def write_data_files(edition: Edition, folder: Path, *, chunk_size: int = CHUNK_SIZE) -> None:
    """Write the JSON, CSV and STIX files of ``edition`` into ``folder``, in every language,
    recording each in ``edition.files``."""
    for stored, name, language in edition_files():
        if name not in OFFLINE_FILES:
            edition.files[stored] = write_file(
                name, folder / stored, edition, chunk_size=chunk_size, language=language
            )


def offline_copy_root(edition: Edition, stored: str) -> str:
    """The folder an offline copy's zip unzips into: its download name without ``.zip``,
    ``kb-<version>-offline-es``."""
    return edition.download_name(stored).removesuffix(".zip").replace(".", "-")


def write_offline_copies(edition: Edition, folder: Path) -> None:
    """Write the offline copies of ``edition`` (a zip per language and one of every
    language) into ``folder``, rendering every page once, recording each in
    ``edition.files`` (a zip's seconds are its own writing; the rendering they share is
    logged)."""
    copies = {
        stored: FILES[name].copied_languages(language)
        for stored, name, language in edition_files()
        if name in OFFLINE_FILES
    }
    languages = [code for code in content_languages() if any(code in c for c in copies.values())]
    pages = copied_pages(languages)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kb-offline-") as working:
        render_pages(pages, Path(working))
        logger.info(
            "Offline copies: %s pages rendered in %.1f s.",
            len(pages),
            time.perf_counter() - started,
        )
        for stored, held in copies.items():
            started = time.perf_counter()
            write_zip(
                folder / stored,
                pages,
                Path(working),
                CopyLayout(held, settings.KB_SITE_URL),
                root=offline_copy_root(edition, stored),
                moment=edition.changed_at,
            )
            edition.files[stored] = _figures(folder / stored, started)


@contextmanager
def _consistent_reads() -> Iterator[None]:
    """Every read inside sees one moment of the database, where it can (module docstring)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        # Must be the transaction's first statement; inside an outer transaction (a test)
        # the outer one's snapshot applies and this is skipped.
        if not connection.savepoint_ids:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _write_edition(version: ContentVersion, partial: Path, chunk_size: int) -> Edition:
    edition = Edition(
        folder=partial,
        number=version.number,
        changed_at=version.changed_at,
        generated_at=timezone.now(),
    )
    write_data_files(edition, partial, chunk_size=chunk_size)
    write_offline_copies(edition, partial)
    (partial / MANIFEST).write_text(json.dumps(edition.manifest(), indent=2) + "\n")
    return edition


def _build_current(folder: Path, chunk_size: int) -> Edition:
    """Build the current version's edition unless it exists; the caller holds the lock."""
    for stale in folder.glob(f"{PARTIAL_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)  # left by a build that was cut short
    while True:
        partial = Path(tempfile.mkdtemp(prefix=PARTIAL_PREFIX, dir=folder))
        try:
            with _consistent_reads():
                version = current_content_version()
                existing = edition_of(version)
                if existing is not None:
                    return existing  # built by another process while this one waited
                _write_edition(version, partial, chunk_size)
            if connection.vendor != "postgresql" and current_content_version().key != version.key:
                continue  # read across a change: the files may mix two versions
            partial.chmod(0o755)  # mkdtemp's folder is its owner's alone; the files are public
            final = folder / folder_name(version)
            partial.rename(final)
            built = edition_of(version)
            assert built is not None
            for other in built_editions():
                if other.folder != final:
                    shutil.rmtree(other.folder, ignore_errors=True)
            logger.info("Downloads of content version %s built.", built.version)
            return built
        finally:
            shutil.rmtree(partial, ignore_errors=True)


@contextmanager
def _machine_lock(folder: Path, *, wait: bool) -> Iterator[bool]:
    """Hold the build lock of this machine's downloads folder; yields whether it is held
    (without ``wait``, False when another process holds it)."""
    with open(folder / LOCK_FILE, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_downloads(*, wait: bool = False, chunk_size: int = CHUNK_SIZE) -> Edition | None:
    """Build the edition of the current content version if it is missing, and remove older
    editions once it is complete; the current edition, or None when another process of
    this machine is building (without ``wait``)."""
    folder = downloads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    while True:
        with _machine_lock(folder, wait=wait) as held:
            if not held:
                return None  # that process checks the version again when it is done
            built = _build_current(folder, chunk_size)
        # A change committed while the lock was about to be let go found it held and left
        # the build to this process: look once more, now that anyone may take it.
        if built.is_of(current_content_version()):
            return built


_one_build_per_process = threading.Lock()
_last_failure: float | None = None


def build_in_background(*, after_failure_wait: bool = False) -> bool:
    """Start ``build_downloads`` in a thread of this process, unless one is running here
    already; whether one was started. With ``after_failure_wait``, not within
    ``RETRY_AFTER_FAILURE`` seconds of this process's last failed build."""
    failed_lately = _last_failure is not None and (
        time.monotonic() - _last_failure < RETRY_AFTER_FAILURE
    )
    if after_failure_wait and failed_lately:
        return False
    if not _one_build_per_process.acquire(blocking=False):
        return False
    try:
        threading.Thread(target=_build_then_let_go, name="kb-downloads", daemon=True).start()
    except BaseException:
        _one_build_per_process.release()
        raise
    return True


def wait_for_background_build(timeout: float) -> bool:
    """Wait until this process's background build, if one is running, is done; whether it
    is done within ``timeout`` seconds."""
    if not _one_build_per_process.acquire(timeout=timeout):
        return False
    _one_build_per_process.release()
    return True


def _build_then_let_go() -> None:
    global _last_failure
    try:
        build_downloads()
        _last_failure = None
    except Exception:
        _last_failure = time.monotonic()
        logger.exception("Building the downloads failed; the previous edition is still served.")
    finally:
        connections.close_all()  # this thread's own connections
        _one_build_per_process.release()


def rebuild_after_change(**kwargs) -> None:
    """Receiver of ``content_version_changed``: build the new edition in the background."""
    if settings.KB_DOWNLOADS_BUILD_IN_BACKGROUND:
        build_in_background()
