"""The offline copy, unzipped and opened from the file system in Chromium: links between
pages, styles, the language switcher and the offline search all work with no server."""

import zipfile
from io import StringIO

from django.core.management import call_command


def test_the_unzipped_copy_works_from_the_file_system(site, page, tmp_path):
    call_command("build_offline_copy", output=tmp_path / "copy.zip", stdout=StringIO())
    with zipfile.ZipFile(tmp_path / "copy.zip") as archive:
        archive.extractall(tmp_path / "unzipped")
    (root,) = (tmp_path / "unzipped").iterdir()
    failed = []
    # A file the copy lacks fails; one cut short because a link was followed is aborted.
    page.on(
        "requestfailed",
        lambda request: request.failure != "net::ERR_ABORTED" and failed.append(request.url),
    )
    page.goto(f"file://{root}/index.html")
    # The stylesheet applies: the search box's label is hidden visually, not removed.
    label = page.locator("label[for=site-q]")
    assert label.evaluate("element => getComputedStyle(element).position") == "absolute"
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tactics").click()
    assert page.url.endswith("/tactics/index.html")
    page.locator(".entry-row__title a").first.click()
    assert page.url.endswith("/index.html") and "/tactics/TT-" in page.url
    page.locator(".languages a[hreflang=es]").click()
    assert page.locator("html").get_attribute("lang") == "es"
    assert f"{root}/es/tactics/TT-" in page.url
    page.goto(f"file://{root}/ar/index.html")
    assert page.locator("html").get_attribute("dir") == "rtl"

    page.goto(f"file://{root}/index.html")
    page.fill("#site-q", "fake job")
    page.press("#site-q", "Enter")
    assert "/offline/search/index.html?q=fake+job" in page.url
    first = page.locator("[data-offline-results] a").first
    assert first.inner_text() == "Fake job offers on fake business websites"
    first.click()
    assert "/tactics/TT-0008/" in page.url

    page.goto(f"file://{root}/offline/search/index.html?q=sextortoin")
    assert "“sextortion”" in page.inner_text("[data-offline-status]")
    assert "TT-0009" in page.inner_text("[data-offline-results]")
    page.goto(f"file://{root}/offline/search/index.html?q=zzyzxq")
    assert "“zzyzxq”" in page.inner_text("[data-offline-status]")
    assert page.locator("[data-offline-results] li").count() == 0
    assert not failed
