"""Building the downloads: once per content version, outside any request, complete or not
at all, one build at a time per machine, started by the command or by a change, and in
memory that does not grow with the knowledge base."""

import fcntl
import json
import threading
import time
import tracemalloc
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from kb.downloads import build
from kb.downloads.build import build_downloads, wait_for_background_build, write_data_files
from kb.downloads.editions import (
    FILES,
    MANIFEST,
    PARTIAL_PREFIX,
    Edition,
    built_editions,
    downloads_dir,
    edition_files,
    edition_of,
)
from kb.models import Status, current_content_version

from ..factories import cite, make_countermeasure, make_source, make_tactic
from .files import edition_texts

pytestmark = pytest.mark.django_db


def test_the_command_builds_every_file_of_the_current_version_once():
    make_tactic("Lantern")
    out = StringIO()
    call_command("build_downloads", stdout=out)
    (edition,) = built_editions()
    assert edition.is_of(current_content_version())
    stored = [name for name, _kind, _language in edition_files()]
    assert sorted(path.name for path in edition.folder.iterdir()) == sorted([*stored, MANIFEST])
    # The JSON and CSV files and the offline copy in every language; the STIX bundle and the
    # offline copy of every language once.
    assert len(stored) == 4 * (len(FILES) - 2) + 2
    assert {"kb.json", "kb.es.json", "tactics.ar.csv", "kb.stix.json"} <= set(stored)
    assert {"kb-offline.zip", "kb-offline.ar.zip", "kb-offline-all-languages.zip"} <= set(stored)
    for name in stored:
        assert name in out.getvalue()
        assert edition.path(name).stat().st_size == edition.size(name) > 0
    call_command("build_downloads", stdout=StringIO())
    assert built_editions() == [edition]  # already built: not built again


def test_only_published_content_is_in_the_files():
    tactic = make_tactic("Visible lantern")
    cite(tactic, make_source(title="Visible report"), "A visible quote")
    make_countermeasure("Visible beacon", counters=[tactic])
    for status in (Status.DRAFT, Status.IN_REVIEW, Status.RETIRED):
        hidden = make_tactic(f"Hidden tactic {status}", status=status)
        tactic.related_tactics.add(hidden)
        make_countermeasure(f"Hidden response {status}", status=status, counters=[tactic])
        cite(hidden, make_source(title=f"Hidden report {status}", status=status), "Quote")
    edition = build_downloads()
    # Every file, in every language, and every page of the offline copies.
    texts = edition_texts(edition)
    for name, text in texts.items():
        assert "Hidden" not in text, name
        assert "TT-0002" not in text and "CM-0002" not in text, name
    for name in ("kb.json", "tactics.csv", "kb.stix.json"):
        assert "Visible lantern" in texts[name], name
    for copy in ("kb-offline.zip", "kb-offline.es.zip", "kb-offline-all-languages.zip"):
        pages = [name for name in texts if name.startswith(f"{copy}/")]
        assert any("/tactics/TT-0001/" in name for name in pages), copy
        assert not any("TT-0002" in name or "CM-0002" in name for name in pages), copy
        assert any("Visible lantern" in texts[name] for name in pages), copy
    assert "Visible beacon" in texts["countermeasures.csv"]
    assert "Visible report" in texts["sources.csv"]
    assert "A visible quote" in texts["citations.csv"]
    assert "CM-0001,TT-0001" in texts["mitigations.csv"]


def test_a_new_edition_replaces_the_old_one_once_complete():
    tactic = make_tactic("Lantern")
    first = build_downloads()
    tactic.save()
    second = build_downloads()
    assert second != first and second.is_of(current_content_version())
    assert built_editions() == [second]  # the older one is removed once the newer is there
    assert not first.folder.exists()
    assert not list(downloads_dir().glob(f"{PARTIAL_PREFIX}*"))


def test_a_half_built_edition_is_never_served(reader):
    tactic = make_tactic("Old name")
    build_downloads()
    tactic.name = "New name"
    tactic.save()
    # What a build cut short leaves: files of the new version, not yet renamed into place.
    partial = downloads_dir() / f"{PARTIAL_PREFIX}cut-short"
    partial.mkdir()
    (partial / "kb.json").write_text('{"tactics": [{"name": "New na')
    assert edition_of(current_content_version()) is None
    served = json.loads(reader.get("/downloads/kb.json").getvalue())
    assert [t["name"] for t in served["tactics"]] == ["Old name"]
    build_downloads()
    assert not partial.exists()  # the next build clears what was cut short


def test_another_process_building_means_this_one_does_not():
    make_tactic("Lantern")
    folder = downloads_dir()
    folder.mkdir(parents=True)
    with open(folder / build.LOCK_FILE, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as another process's build holds it
        assert build_downloads() is None
        assert built_editions() == []
    assert build_downloads() is not None


def test_memory_of_the_data_files_does_not_grow_with_the_knowledge_base(tmp_path):
    """The JSON, CSV and STIX files, written a chunk of entries at a time. (The offline
    copies, built by the same build, have their own test in tests/offline/test_export.py:
    tracing every page's rendering here took minutes.)"""

    def peak_after_adding(tactics: int) -> int:
        for _ in range(tactics):
            tactic = make_tactic(summary="A summary of some length. " * 20)
            tactic.indicators.create(text="A red flag")
            cite(tactic, make_source(), "A quote from the source. " * 10)
            make_countermeasure(counters=[tactic])
        version = current_content_version()
        edition = Edition(tmp_path, version.number, version.changed_at, timezone.now())
        tracemalloc.start()
        try:
            write_data_files(edition, tmp_path, chunk_size=10)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    peak_after_adding(10)  # first use: imports, URL patterns, templates
    small = peak_after_adding(20)
    large = peak_after_adding(100)  # six times the entries
    assert large < small * 1.5, f"peak {small:,} bytes for 30 tactics, {large:,} for 130"


@pytest.mark.django_db(transaction=True)
def test_a_change_builds_the_new_edition_in_the_background(reader, settings):
    settings.KB_DOWNLOADS_BUILD_IN_BACKGROUND = True
    try:
        tactic = make_tactic("Lantern")  # committed: the change starts a build
        assert wait_for_background_build(timeout=60)
        served = reader.get("/downloads/kb.json")
        assert served["KB-Edition"] == "current"
        assert [t["name"] for t in json.loads(served.getvalue())["tactics"]] == ["Lantern"]
        tactic.name = "Lantern, renamed"
        tactic.save()
        assert wait_for_background_build(timeout=60)
        assert edition_of(current_content_version()) is not None
        (edition,) = built_editions()
        assert "Lantern, renamed" in edition.path("kb.json").read_text()
    finally:
        wait_for_background_build(timeout=60)


@pytest.mark.django_db(transaction=True)
def test_readers_get_a_whole_edition_while_a_new_one_is_built(reader, settings):
    for n in range(40):
        make_tactic(f"Old {n}", summary="A summary. " * 30)
    build_downloads()
    tactic = make_tactic("New one")

    def build_then_disconnect() -> None:
        try:
            build_downloads(chunk_size=5)
        finally:
            connections.close_all()

    builder = threading.Thread(target=build_then_disconnect)
    builder.start()
    seen = set()
    try:
        while builder.is_alive() or not seen or seen == {"previous"}:
            response = reader.get("/downloads/kb.json")
            document = json.loads(response.getvalue())  # complete, whichever edition
            names = {t["name"] for t in document["tactics"]}
            assert (tactic.name in names) == (response["KB-Edition"] == "current")
            seen.add(response["KB-Edition"])
            time.sleep(0.01)
    finally:
        builder.join()
    assert "current" in seen
