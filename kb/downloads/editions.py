"""Where built downloads are kept, and which edition a reader is served.

An **edition** is every download file of one content version, in a folder of its own under
``KB_DOWNLOADS_DIR`` named by that version (``<number>-<moment of the change>``, so a
restored database's version of the same number is another edition). A build writes the
files into a temporary folder beside it, adds ``edition.json`` (the manifest: the version,
when the files were built, each file's size and SHA-256) last, and renames the folder into
place: an edition is there complete or not at all, and a half-built file is never served.
The previous edition stays until the next one is complete (kb.downloads.build).

The JSON and CSV files are built in every language (``stored_name``): English under their
own names (``kb.json``, ``tactics.csv``), each translation with its code before the
extension (``kb.es.json``, ``tactics.es.csv``). A reader gets the language of the address
they ask at (``/es/downloads/kb.json`` is ``kb.es.json``). The STIX bundle is one file,
carrying every translation inside it.

The offline copy (kb.offline.export: the published site as static pages in a zip) is built
the same way: one zip per language (``kb-offline.zip``, ``kb-offline.es.zip``) and one of
every language (``kb-offline-all-languages.zip``), the same file at every address.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from kb.models import ContentVersion
from kb.models.translations import SOURCE_LANGUAGE, content_languages

MANIFEST = "edition.json"
# Folders being built start with this; an edition's folder never does.
PARTIAL_PREFIX = ".building-"
# Which files an edition holds, in its folder's name: raised whenever that changes, so that
# an edition built before is not taken for the current version's (the current one is then
# built, while the older one is served as the previous edition).
LAYOUT = 3


@dataclass(frozen=True)
class DownloadFile:
    """One file of every edition: its name in the edition's folder and in the URL, its media
    type, and what the downloads page says it holds."""

    name: str
    content_type: str
    #: Translated when the downloads page shows it.
    description: str | Promise
    #: Whether the file is built in every language (else once, in English).
    translated: bool = True
    #: Whether the file is an offline copy (a zip of static pages, kb.offline.export): of
    #: its own language when translated, else of every language.
    offline: bool = False

    @property
    def stem(self) -> str:
        """The name without its extension(s): ``kb`` for kb.json and kb.stix.json."""
        return self.name.split(".", 1)[0]

    def languages(self) -> list[str]:
        """The languages the file is built in."""
        return content_languages() if self.translated else [SOURCE_LANGUAGE]

    def copied_languages(self, language: str) -> tuple[str, ...]:
        """The languages an offline copy built in ``language`` holds: that one, or all."""
        return (language,) if self.translated else tuple(content_languages())


FILES: dict[str, DownloadFile] = {
    file.name: file
    for file in (
        DownloadFile(
            "kb.json",
            "application/json",
            gettext_lazy(
                "Tactics, countermeasures and sources with their classification, indicators, "
                "links and quotes, as the API gives them"
            ),
        ),
        DownloadFile(
            "tactics.csv",
            "text/csv; charset=utf-8",
            gettext_lazy("Tactics, with their classification and indicators"),
        ),
        DownloadFile(
            "countermeasures.csv", "text/csv; charset=utf-8", gettext_lazy("Countermeasures")
        ),
        DownloadFile(
            "mitigations.csv",
            "text/csv; charset=utf-8",
            gettext_lazy("Which countermeasure counters which tactic, and how"),
        ),
        DownloadFile("sources.csv", "text/csv; charset=utf-8", gettext_lazy("Sources")),
        DownloadFile(
            "citations.csv",
            "text/csv; charset=utf-8",
            gettext_lazy("The quotes that tie each entry to its sources"),
        ),
        DownloadFile(
            "kb.stix.json",
            "application/stix+json;version=2.1",
            gettext_lazy(
                "Tactics as attack patterns, countermeasures as courses of action, their links "
                "as relationships, sources as external references with their quotes"
            ),
            # One bundle: its translations are language-content objects inside it.
            translated=False,
        ),
        DownloadFile(
            "kb-offline.zip",
            "application/zip",
            gettext_lazy("Every published page in this language, as web pages to read offline"),
            offline=True,
        ),
        DownloadFile(
            "kb-offline-all-languages.zip",
            "application/zip",
            gettext_lazy(
                "Every published page in every language, with the language switcher, as web "
                "pages to read offline"
            ),
            translated=False,
            offline=True,
        ),
    )
}
CSV_FILES = {name: file for name, file in FILES.items() if name.endswith(".csv")}
OFFLINE_FILES = {name: file for name, file in FILES.items() if file.offline}


def stored_name(name: str, language: str) -> str:
    """The file ``name`` (a key of FILES) in ``language``, as an edition's folder holds it:
    ``kb.json`` in English, ``kb.es.json`` in Spanish, ``tactics.fr.csv`` in French. A file
    built once (the STIX bundle) has one name whatever the language."""
    if language == SOURCE_LANGUAGE or not FILES[name].translated:
        return name
    stem, _, extension = name.partition(".")
    return f"{stem}.{language}.{extension}"


def edition_files() -> list[tuple[str, str, str]]:
    """Every file of an edition: its stored name, its name in FILES and its language."""
    return [
        (stored_name(name, language), name, language)
        for name, file in FILES.items()
        for language in file.languages()
    ]


def version_label(changed_at: datetime) -> str:
    """The content version as readers see it in files and on the downloads page: the moment
    of the latest change, to the second (``20261130T120000Z``)."""
    return changed_at.strftime("%Y%m%dT%H%M%SZ")


def folder_name(version: ContentVersion) -> str:
    """The name of the folder holding ``version``'s edition: unique among all versions."""
    return f"{version.number}-{version.changed_at.strftime('%Y%m%dT%H%M%S%fZ')}-{LAYOUT}"


def downloads_dir() -> Path:
    return Path(settings.KB_DOWNLOADS_DIR)


@dataclass(frozen=True)
class Edition:
    """The downloads of one content version: where they are, and what the manifest says."""

    folder: Path
    number: int
    changed_at: datetime
    generated_at: datetime
    files: dict[str, dict] = field(default_factory=dict)

    @property
    def version(self) -> str:
        """The content version the files hold, as readers see it."""
        return version_label(self.changed_at)

    def is_of(self, version: ContentVersion) -> bool:
        """Whether this edition holds ``version``."""
        return (self.number, self.changed_at) == version.key

    def path(self, name: str) -> Path:
        return self.folder / name

    def size(self, name: str) -> int:
        return self.files[name]["bytes"]

    def etag(self, name: str) -> str:
        """A strong ETag of one file: its bytes never change once the edition is complete."""
        return f'"{self.files[name]["sha256"][:32]}"'

    def download_name(self, name: str) -> str:
        """The name a reader's file is saved under, which says the version it holds and any
        language but English: ``kb-<version>.json``, ``kb-<version>-tactics.csv``,
        ``kb-<version>.stix.json``; ``kb-<version>.es.json``, ``kb-<version>-tactics.es.csv``
        (for the stored names ``kb.es.json``, ``tactics.es.csv``); ``kb-<version>-offline.zip``,
        ``kb-<version>-offline.es.zip``, ``kb-<version>-offline-all-languages.zip``."""
        stem, _, extension = name.partition(".")
        if stem == "kb":
            return f"kb-{self.version}.{extension}"
        # The offline copies: kb-<version>-offline.es.zip, kb-<version>-offline-all-languages.zip
        return f"kb-{self.version}-{stem.removeprefix('kb-')}.{extension}"

    def manifest(self) -> dict:
        return {
            "content_version": self.version,
            "number": self.number,
            "changed_at": self.changed_at.isoformat(),
            "generated_at": self.generated_at.isoformat(),
            "files": self.files,
        }

    @classmethod
    def read(cls, folder: Path) -> Edition | None:
        """The complete edition in ``folder``, or None if it has no readable manifest."""
        try:
            manifest = json.loads((folder / MANIFEST).read_text())
            return cls(
                folder=folder,
                number=manifest["number"],
                changed_at=datetime.fromisoformat(manifest["changed_at"]),
                generated_at=datetime.fromisoformat(manifest["generated_at"]),
                files=manifest["files"],
            )
        except (OSError, ValueError, KeyError):
            return None


def built_editions() -> list[Edition]:
    """Every complete edition on this machine, the most recently built first."""
    try:
        entries = list(os.scandir(downloads_dir()))
    except FileNotFoundError:
        return []
    found = [
        Edition.read(Path(entry.path))
        for entry in entries
        if entry.is_dir() and not entry.name.startswith(".")
    ]
    return sorted((e for e in found if e), key=lambda e: e.generated_at, reverse=True)


def edition_of(version: ContentVersion) -> Edition | None:
    """The complete edition of ``version``, if it has been built (one small file read)."""
    return Edition.read(downloads_dir() / folder_name(version))


def latest_edition() -> Edition | None:
    """The most recently built complete edition, whatever its version."""
    editions = built_editions()
    return editions[0] if editions else None
