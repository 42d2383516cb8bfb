"""Links in the offline copy: relative files, the live site for what the copy lacks."""

from kb.offline.links import CopyLayout, LinkRewriter

EVERY = CopyLayout(("en", "es", "fr", "ar"), "https://kb.example")


def test_pages_go_to_index_files_and_list_pages_to_folders_of_their_own():
    assert EVERY.file_of("/", "en") == "index.html"
    assert EVERY.file_of("/es/tactics/?page=2", "es") == "es/tactics/page-2/index.html"
    assert EVERY.file_of("/es/jsi18n/", "es", script=True) == "es/jsi18n/index.js"
    spanish = CopyLayout(("es",), "https://kb.example")
    assert spanish.file_of("/es/tactics/TT-0001/a/", "es") == "tactics/TT-0001/a/index.html"


def test_links_become_relative_or_go_to_the_live_site():
    files = {"/es/": "es/index.html", "/es/tactics/": "es/tactics/index.html"}
    files["/es/tactics/?page=2"] = "es/tactics/page-2/index.html"
    rewriter = LinkRewriter(EVERY, files)
    page = (
        '<a href="/es/">home</a><a href="?page=2">next</a><a href="?page=1">first</a>'
        '<a href="/es/suggest/?about=TT-0001&amp;x=1#top">suggest</a>'
        '<link rel="stylesheet" href="/static/kb/site.css"><a href="#main">skip</a>'
        '<a href="https://other.example/">out</a>'
        '<form data-live-only action=""></form><p data-offline-only hidden>note '
        '<a href="/es/tactics/" data-live-link>live</a></p>'
    )
    out = rewriter.page(page, "es/tactics/page-2/index.html", "/es/tactics/?page=2")
    assert '<a href="../../index.html">home</a>' in out
    assert '<a href="index.html">next</a>' in out
    assert '<a href="../index.html">first</a>' in out
    assert 'href="https://kb.example/es/suggest/?about=TT-0001&amp;x=1#top"' in out
    assert 'href="../../../static/kb/site.css"' in out
    assert rewriter.static_files == {"kb/site.css"}
    assert 'href="#main"' in out and 'href="https://other.example/"' in out
    assert '<form data-live-only action="" hidden>' in out
    assert "<p data-offline-only>" in out
    assert 'href="https://kb.example/es/tactics/" data-live-link' in out


def test_the_copy_s_pages_say_they_are_the_copy_so_live_only_parts_stay_hidden():
    rewriter = LinkRewriter(EVERY, {"/": "index.html"})
    page = '<html lang="ar" dir="rtl"><button data-live-only hidden>Add</button></html>'
    out = rewriter.page(page, "index.html", "/")
    # The stylesheet hides [data-live-only] under [data-offline-copy], even once a script
    # has taken the button's hidden attribute away.
    assert out.startswith('<html lang="ar" dir="rtl" data-offline-copy>')
    assert "<button data-live-only hidden>" in out
