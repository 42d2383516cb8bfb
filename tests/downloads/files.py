"""Reading an edition's files as text, whatever they are: the JSON and CSV files and the
STIX bundle are text; an offline copy is a zip whose pages, scripts and README are."""

from __future__ import annotations

import zipfile

from kb.downloads.editions import Edition

#: The files of an offline copy that hold text (its images and fonts, if any, do not).
TEXT_EXTENSIONS = (".html", ".js", ".css", ".txt", ".json", ".svg")


def edition_texts(edition: Edition) -> dict[str, str]:
    """Every text of ``edition``: each data file by its name, and each text file inside an
    offline copy by ``<zip name>/<path in the zip>``."""
    texts = {}
    for name in edition.files:
        path = edition.path(name)
        if name.endswith(".zip"):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    if member.endswith(TEXT_EXTENSIONS):
                        texts[f"{name}/{member}"] = archive.read(member).decode("utf-8")
        else:
            texts[name] = path.read_text(encoding="utf-8-sig")
    return texts
