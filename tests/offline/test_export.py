"""The offline copy: every published page in every language, never a draft."""

import tracemalloc
import zipfile
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from kb.models import Status
from kb.offline.export import copied_pages, render_pages, write_zip
from kb.offline.links import CopyLayout

from ..factories import make_tactic

pytestmark = pytest.mark.django_db


def test_the_command_writes_a_zip_of_published_pages_only(tmp_path):
    tactic = make_tactic("Visible lantern")
    make_tactic("Hidden draft", status=Status.DRAFT)
    output = tmp_path / "copy.zip"
    call_command("build_offline_copy", output=output, stdout=StringIO())
    with zipfile.ZipFile(output) as archive:
        names = archive.namelist()
        text = " ".join(
            archive.read(name).decode() for name in names if name.endswith((".html", ".js"))
        )
    root = names[0].split("/")[0]
    assert f"{root}/index.html" in names
    assert f"{root}/es/offline/search-index.js" in names
    assert f"{root}/static/kb/site.css" in names
    assert f"{root}/README.txt" in names
    assert any(tactic.public_id in name for name in names)
    assert "Visible lantern" in text
    assert "Hidden draft" not in text


def test_a_copy_of_one_language_opens_at_its_home(tmp_path):
    make_tactic("Lantern")
    call_command("build_offline_copy", output=tmp_path / "c", language=["ar"], stdout=StringIO())
    home = (tmp_path / "c" / "index.html").read_text()
    assert '<html lang="ar" dir="rtl" data-offline-copy>' in home
    assert not (tmp_path / "c" / "es").exists()


def test_a_zip_is_written_a_page_at_a_time(tmp_path):
    """The downloads build writes each zip from pages rendered one at a time to the disk:
    while it writes, the memory it takes grows only with the zip's directory (a few hundred
    bytes a page), far less than the pages it adds. (Only the writing is traced: tracing the
    rendering of hundreds of pages too took minutes.)"""

    def zip_peak(tactics: int) -> tuple[int, int, int]:
        for _ in range(tactics):
            make_tactic(description="A paragraph of a description of some length. " * 300)
        pages = copied_pages(("en",))
        rendered = tmp_path / f"rendered-{len(pages)}"
        render_pages(pages, rendered)
        page_bytes = sum(f.stat().st_size for f in rendered.rglob("*") if f.is_file())
        layout = CopyLayout(("en",), settings.KB_SITE_URL)
        tracemalloc.start()
        try:
            write_zip(
                tmp_path / f"{len(pages)}.zip", pages, rendered, layout, root="copy",
                moment=timezone.now(),
            )  # fmt: skip
            return len(pages), page_bytes, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    zip_peak(3)  # first use: templates, the static files' names
    small_pages, small_bytes, small_peak = zip_peak(10)
    large_pages, large_bytes, large_peak = zip_peak(60)
    more_pages, more_bytes = large_pages - small_pages, large_bytes - small_bytes
    growth = large_peak - small_peak
    assert more_pages >= 60 and more_bytes > 60 * 10_000
    assert growth < more_pages * 2_000, f"{growth:,} bytes more for {more_pages} more pages"
    assert growth < more_bytes / 10, f"{growth:,} bytes more for {more_bytes:,} more bytes"
