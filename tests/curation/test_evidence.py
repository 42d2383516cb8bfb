"""Evidence: a source's full text stored privately, every citation's quote checked against
it (whitespace, quote marks, dashes and ellipses forgiven; words not), its paragraph found,
and curators attaching texts and citing passages in the admin."""

from __future__ import annotations

import io
import json
import textwrap

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, StreamObject

from kb.curation.evidence import (
    ExtractionError,
    attach_text,
    from_pasted,
    from_upload,
    normalise,
    recheck_citations,
    remove_text,
    verify_quote,
)
from kb.management.commands.seed import load_seed_fixture
from kb.models import Citation, QuoteStatus, Source, SourceText, Status, TextFormat

from ..factories import cite, make_countermeasure, make_source, make_tactic
from .forms import admin_form, inline_management
from .seed_articles import PARAGRAPH_6, PARAGRAPH_15, article_body, article_file

pytestmark = pytest.mark.django_db


def store(source: Source, text: str) -> SourceText:
    """``text`` attached to ``source`` as pasted."""
    return attach_text(source, from_pasted(text), None)


@pytest.fixture
def fbi_article() -> Source:
    """The first seed source with its article's body stored."""
    source = make_source(title="Latest technology helps sex traffickers recruit, sell victims")
    store(source, article_body("SR-0001"))
    return source


# --- the quote check -------------------------------------------------------------------------


def test_every_seed_quote_is_found_in_its_article_at_the_paragraph_the_seed_gives():
    load_seed_fixture()
    citations = list(Citation.objects.select_related("source"))
    assert len(citations) == 32
    for public_id in ("SR-0001", "SR-0002"):
        store(Source.objects.get(public_id=public_id), article_body(public_id))
    for citation in citations:
        check = verify_quote(citation.source, citation.quote)
        assert check.status == QuoteStatus.VERIFIED, citation.quote
        assert check.locator == citation.locator, citation.quote
        assert citation.quote_status == QuoteStatus.UNCHECKED  # as loaded from the fixture
        citation.refresh_from_db()
        assert citation.quote_status == QuoteStatus.VERIFIED  # recorded when the text came


@pytest.mark.parametrize(
    "quote",
    [
        PARAGRAPH_6,
        # Straight quote marks where the article has curly ones, and its closing comma.
        "\"They're not opposed to using what's available to them.\"",
        # Line breaks, doubled and non-breaking spaces, as a copy from a PDF brings them.
        "Traffickers use online means\nto advertise,  Global\u00a0Positioning Systems",
        # An em dash, and a dash without its spaces, for the article's spaced hyphen.
        "WASHINGTON, April 25 (Thomson Reuters Foundation)\u2014Sex traffickers are growing",
        # Words left out, marked by an ellipsis (one character or three dots).
        "Traffickers use online means to advertise \u2026 to communicate with accomplices",
        "Traffickers use online means to advertise . . . encrypted messages",
        # Compatibility forms (a ligature) are read as the letters they stand for.
        "Tech giants Apple and Google have come under scrutiny",
        "\ufb01ght against slavery and trafficking",
    ],
)
def test_a_quote_is_verified_whatever_its_copy_did_to_spaces_quote_marks_and_dashes(
    fbi_article, quote
):
    assert verify_quote(fbi_article, quote).status == QuoteStatus.VERIFIED


@pytest.mark.parametrize(
    "quote",
    [
        "Traffickers use online means to advertise, GPS in cell phones",  # a word changed
        "traffickers use online means to advertise",  # letter case counts
        "raffickers use online means",  # not starting on a word
        "Traffickers use online means to advertise, he said.",  # words left out unmarked
        "encrypted messages \u2026 Traffickers use online means",  # parts out of order
        "",
        "   ",
        "\u2026",
    ],
)
def test_a_quote_that_is_not_word_for_word_in_the_text_is_not_found(fbi_article, quote):
    check = verify_quote(fbi_article, quote)
    assert check.status == QuoteStatus.NOT_FOUND
    assert check.locator == ""


def test_the_locator_names_the_paragraph_or_the_paragraphs_a_quote_runs_across(fbi_article):
    assert verify_quote(fbi_article, PARAGRAPH_6).locator == "paragraph 6"
    assert verify_quote(fbi_article, PARAGRAPH_15).locator == "paragraph 15"
    across = "to track their victims and encrypted messages to communicate with accomplices, he said. Tech giants Apple and Google"  # noqa: E501
    assert verify_quote(fbi_article, across).locator == "paragraphs 6\u20137"


def test_a_source_without_stored_text_answers_no_text_and_an_empty_quote_not_found():
    source = make_source()
    assert verify_quote(source, PARAGRAPH_6).status == QuoteStatus.NO_TEXT
    assert verify_quote(source, "").status == QuoteStatus.NOT_FOUND
    assert verify_quote(Source(), PARAGRAPH_6).status == QuoteStatus.NO_TEXT


def test_checking_a_quote_reads_the_stored_text_in_one_query(
    fbi_article, django_assert_num_queries
):
    with django_assert_num_queries(1):
        verify_quote(fbi_article, PARAGRAPH_6)
    with django_assert_num_queries(0):
        verify_quote(fbi_article, " ")


def test_normalising_folds_what_copying_changes():
    assert (
        normalise("\u201cA\u00a0 b\u201d \u2013 c\u2019s\u2026 \u00adx\n y") == '"A b"-c\'s... x y'
    )


# --- on save ---------------------------------------------------------------------------------


def test_a_saved_citation_records_its_check_and_gets_the_paragraph_as_its_locator(fbi_article):
    tactic = make_tactic()
    found = cite(tactic, fbi_article, PARAGRAPH_6)
    assert (found.quote_status, found.locator) == (QuoteStatus.VERIFIED, "paragraph 6")
    assert found.quote_checked_at is not None
    kept = cite(tactic, fbi_article, PARAGRAPH_6, locator="p. 2")
    assert (kept.quote_status, kept.locator) == (QuoteStatus.VERIFIED, "p. 2")
    wrong = cite(tactic, fbi_article, "Traffickers use online means to sell bitcoin")
    assert (wrong.quote_status, wrong.locator) == (QuoteStatus.NOT_FOUND, "")
    wrong.quote = PARAGRAPH_15
    wrong.save()
    wrong.refresh_from_db()
    assert (wrong.quote_status, wrong.locator) == (QuoteStatus.VERIFIED, "paragraph 15")
    assert cite(tactic, make_source(), PARAGRAPH_6).quote_status == QuoteStatus.NO_TEXT


def test_attaching_replacing_and_removing_a_text_checks_the_sources_citations_again():
    source = make_source()
    tactic = make_tactic()
    first, second = cite(tactic, source, PARAGRAPH_6), cite(tactic, source, PARAGRAPH_15)
    history_before = Citation.history.count()

    store(source, article_body("SR-0001"))
    statuses = dict(Citation.objects.values_list("pk", "quote_status"))
    assert statuses == {first.pk: QuoteStatus.VERIFIED, second.pk: QuoteStatus.VERIFIED}

    store(source, PARAGRAPH_6)  # replaced by a text that lacks the second quote
    statuses = dict(Citation.objects.values_list("pk", "quote_status"))
    assert statuses == {first.pk: QuoteStatus.VERIFIED, second.pk: QuoteStatus.NOT_FOUND}

    assert remove_text(source)
    assert set(Citation.objects.values_list("quote_status", flat=True)) == {QuoteStatus.NO_TEXT}
    # Checking again edits no citation: no history record, no new locator.
    assert Citation.history.count() == history_before
    assert set(Citation.objects.values_list("locator", flat=True)) == {""}


def test_checking_again_reports_each_citation_with_what_it_found(fbi_article):
    tactic = make_tactic()
    found = cite(tactic, fbi_article, PARAGRAPH_6)
    lost = cite(tactic, fbi_article, "A sentence the article never printed.")
    results = recheck_citations(fbi_article.pk)
    assert {citation.pk: check.status for citation, check in results.items()} == {
        found.pk: QuoteStatus.VERIFIED,
        lost.pk: QuoteStatus.NOT_FOUND,
    }


def test_the_stored_text_keeps_its_history():
    source = make_source()
    store(source, PARAGRAPH_6)
    store(source, PARAGRAPH_15)
    remove_text(source)
    assert [record.history_type for record in SourceText.history.order_by("history_date")] == [
        "+",
        "~",
        "-",
    ]


# --- extraction ------------------------------------------------------------------------------


def test_pasted_text_keeps_its_paragraphs_and_reads_lines_as_paragraphs_without_blank_ones():
    assert from_pasted("  One\r\n\r\n\r\n  Two  words \n").text == "One\n\nTwo words"
    assert from_pasted("One\nTwo\nThree").text == "One\n\nTwo\n\nThree"
    with pytest.raises(ExtractionError, match="no text"):
        from_pasted(" \n\n ")


def test_a_text_file_is_read_as_utf8_or_windows_1252():
    stored = from_upload(SimpleUploadedFile("article.txt", article_file("SR-0001").read_bytes()))
    assert stored.original_format == TextFormat.TEXT and stored.original_name == "article.txt"
    assert PARAGRAPH_6 in stored.text.split("\n\n")
    old = from_upload(SimpleUploadedFile("old.txt", "\u201cThey cast\u201d".encode("cp1252")))
    assert old.text == "\u201cThey cast\u201d"


def test_an_html_page_keeps_its_paragraphs_and_drops_scripts_styles_and_its_head():
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>Page title</title>
    <style>p {{ color: red }}</style><script>var tracking = 1;</script></head>
    <body><nav><ul><li>Home</li><li>World</li></ul></nav>
    <article><h1>Latest technology helps sex traffickers</h1>
    <p>{PARAGRAPH_6.replace("Global", "<b>Global</b>")}</p>
    <p>Traffickers who once recruited victims in person now can use websites,<br>
    apps, chat rooms and online groups, he said.</p>
    <p>It&rsquo;s &amp; more</p><script>alert(1)</script></article></body></html>"""
    stored = from_upload(SimpleUploadedFile("article.html", page.encode()))
    assert stored.original_format == TextFormat.HTML
    assert stored.text.split("\n\n") == [
        "Home",
        "World",
        "Latest technology helps sex traffickers",
        PARAGRAPH_6,
        "Traffickers who once recruited victims in person now can use websites,",
        "apps, chat rooms and online groups, he said.",
        "It\u2019s & more",
    ]
    for left_out in ("Page title", "color", "tracking", "alert"):
        assert left_out not in stored.text


def pdf_of(paragraphs: list[str], password: str | None = None) -> bytes:
    """A PDF of one page with ``paragraphs`` (ASCII) typeset in Helvetica, lines wrapped,
    a wider gap between paragraphs, as word processors print them."""
    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    commands, y = [], 740
    for paragraph in paragraphs:
        for line in textwrap.wrap(paragraph, 80):
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            commands.append(f"BT /F1 10 Tf 60 {y} Td ({escaped}) Tj ET")
            y -= 13
        y -= 20
    content = StreamObject()
    content.set_data("\n".join(commands).encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(content)
    if password:
        writer.encrypt(password)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def test_a_pdf_keeps_its_paragraphs_and_its_wrapped_lines_join_for_the_check():
    paragraphs = [PARAGRAPH_6, PARAGRAPH_15]
    stored = from_upload(SimpleUploadedFile("report.pdf", pdf_of(paragraphs)))
    assert stored.original_format == TextFormat.PDF
    assert [" ".join(p.split()) for p in stored.text.split("\n\n")] == paragraphs
    source = make_source()
    attach_text(source, stored, None)
    assert verify_quote(source, PARAGRAPH_15).locator == "paragraph 2"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("article.docx", b"PK\x03\x04", "Upload a .txt, .html or .pdf file"),
        ("report.pdf", b"%PDF-1.7 this is not really a PDF", "not a PDF that can be read"),
        ("report.pdf", pdf_of(["Locked paragraph."], password="secret"), "password"),
        ("report.pdf", pdf_of([]), "no text to extract"),
        ("binary.txt", b"\x00\x01\x02", "not a text file"),
        ("empty.html", b"<html><script>only()</script></html>", "no text in it"),
    ],
)
def test_a_bad_file_is_refused_with_a_reason(name, content, message):
    with pytest.raises(ExtractionError, match=message):
        from_upload(SimpleUploadedFile(name, content))


def test_a_file_or_text_over_the_limits_is_refused(settings):
    settings.KB_SOURCE_TEXT_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ExtractionError, match="too large"):
        from_upload(SimpleUploadedFile("long.txt", b"x" * 101))
    settings.KB_SOURCE_TEXT_MAX_CHARS = 10
    with pytest.raises(ExtractionError, match="too long"):
        from_pasted("eleven char")


# --- the admin -------------------------------------------------------------------------------


def text_page(source: Source) -> str:
    return f"/admin/kb/source/{source.pk}/text/"


def test_a_contributor_attaches_a_text_and_reads_it_with_paragraph_numbers(contributor):
    source = make_source()
    tactic = make_tactic(status=Status.DRAFT)
    cite(tactic, source, PARAGRAPH_6)
    response = contributor.post(text_page(source), {"text": article_body("SR-0001")})
    assert response.status_code == 302
    stored = SourceText.objects.get(source=source)
    assert stored.original_format == TextFormat.PASTED
    assert stored.attached_by.username == "contributors"
    assert Citation.objects.get().quote_status == QuoteStatus.VERIFIED

    page = contributor.get(text_page(source))
    assert page.status_code == 200
    assert '<li id="paragraph-6">' + PARAGRAPH_6 in page.text
    assert "Found in the stored text" in page.text
    # The change form says it has one, and links to it.
    change = contributor.get(f"/admin/kb/source/{source.pk}/change/").text
    assert "17 paragraphs, pasted by contributors" in change and text_page(source) in change


def test_a_text_is_uploaded_as_a_file_and_a_bad_file_is_a_message_not_an_error(reviewer):
    source = make_source()
    upload = SimpleUploadedFile("article.txt", article_file("SR-0001").read_bytes())
    assert reviewer.post(text_page(source), {"upload": upload}).status_code == 302
    assert SourceText.objects.get(source=source).original_name == "article.txt"

    bad = reviewer.post(text_page(source), {"upload": SimpleUploadedFile("a.pdf", b"%PDF-no")})
    assert bad.status_code == 400
    assert "not a PDF that can be read" in bad.text
    neither = reviewer.post(text_page(source), {"text": ""})
    assert neither.status_code == 400 and "one of the two" in neither.text
    assert SourceText.objects.get(source=source).original_name == "article.txt"  # unchanged


def test_only_reviewers_remove_a_stored_text(contributor, reviewer):
    source = make_source()
    store(source, PARAGRAPH_6)
    assert contributor.post(text_page(source), {"remove": "1"}).status_code == 403
    assert 'name="remove"' not in contributor.get(text_page(source)).text
    assert reviewer.post(text_page(source), {"remove": "1"}).status_code == 302
    assert not SourceText.objects.exists()


def test_readers_and_staff_without_the_permission_never_see_a_stored_text(reader, staff_client):
    source = make_source()
    store(source, PARAGRAPH_15)
    response = reader.get(text_page(source))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert staff_client.get(text_page(source)).status_code == 403
    assert staff_client.post(text_page(source), {"text": "Replaced"}).status_code == 403
    assert SourceText.objects.get().text == PARAGRAPH_15


def test_the_text_page_of_an_unknown_source_is_not_found(reviewer):
    assert reviewer.get("/admin/kb/source/999999/text/").status_code == 404


def test_a_selected_passage_becomes_a_citation_of_a_draft_with_its_paragraph(contributor):
    source = make_source()
    store(source, article_body("SR-0001"))
    tactic = make_tactic(status=Status.DRAFT)
    cite(tactic, make_source(), "Another quote.", position=3)
    response = contributor.post(
        f"{text_page(source)}cite/", {"quote": PARAGRAPH_15, "entry": tactic.public_id.lower()}
    )
    assert response.status_code == 302
    citation = tactic.citations.get(source=source)
    assert (citation.quote, citation.locator, citation.position) == (
        PARAGRAPH_15,
        "paragraph 15",
        4,
    )
    assert citation.quote_status == QuoteStatus.VERIFIED
    assert citation.history.get().history_change_reason == "Cited from the stored text"


@pytest.mark.parametrize(
    ("entry", "quote", "message"),
    [
        ("TT-0099", PARAGRAPH_6, "No tactic or countermeasure has the ID"),
        ("SR-0001", PARAGRAPH_6, "No tactic or countermeasure has the ID"),
        ("published", PARAGRAPH_6, "is published: changes to it go through its own change form"),
        ("draft", "Words the article never printed.", "This passage is not in the stored text"),
    ],
)
def test_a_passage_is_cited_only_if_it_is_in_the_text_and_in_a_draft(
    contributor, entry, quote, message
):
    source = make_source()
    store(source, article_body("SR-0001"))
    entries = {
        "published": make_tactic(status=Status.PUBLISHED).public_id,
        "draft": make_countermeasure(status=Status.DRAFT).public_id,
    }
    response = contributor.post(
        f"{text_page(source)}cite/", {"quote": quote, "entry": entries.get(entry, entry)}
    )
    assert response.status_code == 400
    assert message in response.text
    assert not Citation.objects.filter(source=source).exists()


def test_citing_a_passage_needs_the_csrf_token(reviewer):
    source = make_source()
    store(source, PARAGRAPH_6)
    tactic = make_tactic(status=Status.DRAFT)
    reviewer.handler.enforce_csrf_checks = True  # as a browser's request is checked
    response = reviewer.post(
        f"{text_page(source)}cite/", {"quote": PARAGRAPH_6, "entry": tactic.public_id}
    )
    assert response.status_code == 403
    assert not Citation.objects.exists()


def test_the_text_page_runs_no_inline_script(admin_client):
    source = make_source()
    store(source, PARAGRAPH_6)
    response = admin_client.get(text_page(source))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "/static/kb/admin/stored-text.js" in response.text
    assert response.text.count("<script") == response.text.count("<script src=")
    assert admin_client.get("/static/kb/admin/stored-text.js").status_code == 200


def test_the_citation_inline_says_when_a_quote_is_not_found(reviewer):
    source = make_source()
    store(source, PARAGRAPH_6)
    tactic = make_tactic(status=Status.DRAFT)
    cite(tactic, source, "Traffickers use online means to sell bitcoin")
    page = reviewer.get(f"/admin/kb/tactic/{tactic.pk}/change/")
    assert "Quote not found in the stored text" in page.text


def test_saving_a_citation_in_the_entry_form_checks_it_and_fills_its_locator(reviewer):
    source = make_source()
    store(source, article_body("SR-0001"))
    tactic = make_tactic(status=Status.DRAFT)
    form = admin_form(
        tactic,
        **inline_management("citations", 1),
        **{
            "citations-0-source": source.pk,
            "citations-0-quote": "\u201cThey cast a much wider net",
            "citations-0-locator": "",
            "citations-0-position": "0",
        },
    )
    response = reviewer.post(f"/admin/kb/tactic/{tactic.pk}/change/", form)
    assert response.status_code == 302
    citation = tactic.citations.get()
    assert (citation.quote_status, citation.locator) == (QuoteStatus.VERIFIED, "paragraph 5")


def test_the_citations_list_shows_the_unverified_ones(reviewer):
    source = make_source()
    store(source, PARAGRAPH_6)
    tactic = make_tactic()
    cite(tactic, source, PARAGRAPH_6)
    cite(tactic, source, "Traffickers use online means to sell bitcoin")
    page = reviewer.get("/admin/kb/citation/", {"quote_status__exact": "not_found"})
    assert page.status_code == 200
    assert "Quote not found in the stored text" in page.text
    assert "sell bitcoin" in page.text and "Global Positioning" not in page.text


# --- privacy ---------------------------------------------------------------------------------


@pytest.fixture
def private_text() -> Source:
    """A published source, cited by a published tactic and countermeasure, whose stored text
    holds a paragraph that no citation quotes (PARAGRAPH_15)."""
    source = make_source(title="Reported technology use")
    store(source, article_body("SR-0001"))
    cite(make_tactic("GPS tracking"), source, PARAGRAPH_6)
    cite(make_countermeasure("Seizing servers"), source, PARAGRAPH_6)
    return source


def test_no_public_page_or_api_answer_shows_a_stored_text(reader, private_text):
    tactic = private_text.citations.get(tactic__isnull=False).tactic
    quoting = [  # pages that show the quote taken from the text, and must show no more
        private_text.get_absolute_url(),
        tactic.get_absolute_url(),
        f"/api/sources/{private_text.public_id}/",
        f"/api/tactics/{tactic.public_id}/",
    ]
    others = [
        "/",
        "/sources/",
        "/tactics/",
        "/search/?q=Gutfleish+children+difficult",
        "/api/sources/",
        "/api/search/?q=Gutfleish+children+difficult",
    ]
    for page in quoting + others:
        response = reader.get(page, follow=True)
        assert response.status_code == 200, page
        text = response.content.decode()
        assert "difficult to determine" not in text, page
        assert (page in quoting) == ("Global Positioning Systems in cell phones" in text), page


def test_no_download_carries_a_stored_text(private_text):
    from kb.downloads.build import build_downloads

    from ..downloads.files import edition_texts

    edition = build_downloads()
    # The data files and every page of the offline copies.
    for name, content in edition_texts(edition).items():
        assert "difficult to determine" not in content, name
    assert PARAGRAPH_6 in edition.path("citations.csv").read_text(encoding="utf-8-sig")


def test_the_full_backup_keeps_the_stored_texts_to_restore_the_site(private_text, tmp_path):
    """The backup is the site's own, private (it holds password hashes): the texts belong
    in it, or a restore would lose them. It is never offered to the public."""
    call_command("backup", str(tmp_path / "kb.json"), verbosity=0)
    backup = json.loads((tmp_path / "kb.json").read_text())
    texts = [record for record in backup["objects"] if record["model"] == "kb.sourcetext"]
    assert len(texts) == 1 and PARAGRAPH_15 in texts[0]["fields"]["text"]
