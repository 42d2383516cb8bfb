"""Importing spreadsheets in the admin: a preview that lists every row and saves nothing,
a confirm step that imports exactly what the preview showed, new rows as drafts with
history, drafts edited in place, entries past draft never changed live, and clear
messages for every row or file refused."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from kb.downloads.build import build_downloads
from kb.models import (
    Category,
    Citation,
    Countermeasure,
    Indicator,
    PublicIdCounter,
    Revision,
    RevisionStatus,
    Source,
    Stage,
    Status,
    Tactic,
    Technology,
)

from ..factories import cite, make_countermeasure, make_source, make_tactic, make_term

pytestmark = pytest.mark.django_db

TACTIC_HEADER = [
    "id", "name", "summary", "description", "category", "technologies", "platforms",
    "stages", "target_groups", "indicators", "related_tactics", "updated_at", "url",
]  # fmt: skip


def csv_file(header: list[str], *rows: list[str]) -> bytes:
    """A CSV file as the downloads write it: UTF-8 with a byte order mark, CRLF."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_file(header: list[str], *rows: list) -> bytes:
    """An Excel workbook whose first sheet holds the rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def tactic_row(**cells: str) -> list[str]:
    """A row of tactics.csv with the given cells, the others empty."""
    return [cells.get(column, "") for column in TACTIC_HEADER]


# The resources each import page offers, in its order (kb/curation/admin/imports.py).
RESOURCES = {
    ("tactic", "tactics"): 0,
    ("tactic", "citations"): 1,
    ("tactic", "mitigations"): 2,
    ("countermeasure", "countermeasures"): 0,
    ("source", "sources"): 0,
}


def preview(client, content: bytes, name: str = "tactics.csv", *, page: str = "tactic", fmt=None):
    """Upload ``content`` on the import page of ``page``'s list: the preview's response."""
    kind = name.rsplit(".", 1)[0]
    return client.post(
        reverse(f"admin:kb_{page}_import"),
        {
            "resource": RESOURCES[(page, kind)],
            "format": fmt if fmt is not None else (1 if name.endswith(".xlsx") else 0),
            "import_file": SimpleUploadedFile(name, content),
        },
    )


def confirm(client, previewed, *, page: str = "tactic"):
    """Press "Confirm import" on a preview."""
    form = previewed.context["confirm_form"]
    data = {name: form.initial[name] for name in form.fields}
    return client.post(reverse(f"admin:kb_{page}_process_import"), data)


def rows_of(response) -> list[tuple[int, str, str]]:
    """The preview's rows: number, outcome and what it says."""
    return [(row.line, row.outcome, "; ".join(row.details)) for row in response.context["result"]]


def database_state() -> dict:
    """Every row of every table of the knowledge base (history tables, ID counters and
    the content version included) and the admin log."""
    tables = set(connection.introspection.table_names())
    models = [*apps.get_app_config("kb").get_models(), LogEntry]
    return {
        # Of SQLite's full-text index (unmanaged), which rows it has: its other column
        # answers with the id of the cursor that reads it, a new one at each query.
        m._meta.label: list(
            m._default_manager.order_by("pk").values(*([] if m._meta.managed else ["pk"]))
        )
        for m in models
        if m._meta.db_table in tables  # the SQLite search tables are not on PostgreSQL
    }


@pytest.fixture
def recruitment():
    return make_term(Category, "Recruitment")


# --- the preview ------------------------------------------------------------------------


def test_the_preview_lists_every_row_with_its_outcome_and_saves_nothing(contributor, recruitment):
    make_term(Technology, "GPS")
    draft = make_tactic("Fake jobs", status=Status.DRAFT, category=recruitment)
    kept = make_tactic("Kept draft", status=Status.DRAFT, category=recruitment)
    content = csv_file(
        TACTIC_HEADER,
        tactic_row(name="Lure ads", summary="Ads that lure.", category="recruitment",
                   technologies="gps"),
        tactic_row(id=draft.public_id, name="Fake job offers", summary=draft.summary,
                   category="Recruitment"),
        tactic_row(id=kept.public_id, name=kept.name, summary=kept.summary,
                   category="recruitment"),
        tactic_row(name="Nameless category", summary="S.", category="Smuggling"),
        tactic_row(name="No summary", category="recruitment"),
        tactic_row(name="Odd terms", summary="S.", category="recruitment",
                   technologies="GPS; Telepathy"),
        tactic_row(id="TT-0999", name="Lost", summary="S.", category="recruitment"),
        tactic_row(id=draft.public_id, name="Again", summary="S.", category="recruitment"),
        tactic_row(name="Guarded", summary="'=1+1", category="recruitment"),
        tactic_row(name="LURE ADS", summary="Typed twice.", category="recruitment"),
        tactic_row(category="recruitment"),
        tactic_row(category="recruitment"),
    )  # fmt: skip
    before = database_state()

    response = preview(contributor, content)

    assert response.status_code == 200
    assert rows_of(response) == [
        (2, "created", "a new draft; its ID is given when the import is confirmed"),
        (3, "changed", "name"),
        (4, "unchanged", ""),
        (5, "rejected", "unknown category “Smuggling”"),
        (6, "rejected", "missing summary"),
        (7, "rejected", "unknown technologies “Telepathy”"),
        (8, "rejected", "TT-0999 is not in the knowledge base, so the row was not imported "
                        "(IDs are handed out here and never reused); leave the id cell empty "
                        "to create a new draft with a new ID"),
        (9, "rejected", f"duplicate row: {draft.public_id} is on row 3 already"),
        (10, "created", "a new draft; its ID is given when the import is confirmed"),
        (11, "rejected", "duplicate row: “LURE ADS” is on row 2 already"),
        (12, "rejected", "missing name; missing summary"),
        (13, "rejected", "missing name; missing summary"),
    ]  # fmt: skip
    assert "Confirm import" in response.content.decode()
    assert database_state() == before  # history, ID counters and the admin log included


def test_confirming_imports_what_the_preview_showed_as_drafts_with_history(contributor,
                                                                          recruitment):  # fmt: skip
    make_term(Stage, "Grooming")
    content = csv_file(
        TACTIC_HEADER,
        tactic_row(name="Lure ads", summary="Ads that lure.", category="recruitment",
                   stages="grooming", indicators="Asks for a photo; '=HYPERLINK(1)"),
        tactic_row(name="Unknown", summary="S.", category="nothing"),
    )  # fmt: skip
    counter_before = PublicIdCounter.objects.filter(prefix="TT").values_list(
        "last_number", flat=True
    )
    previewed = preview(contributor, content)
    assert list(
        PublicIdCounter.objects.filter(prefix="TT").values_list("last_number", flat=True)
    ) == list(counter_before)

    response = confirm(contributor, previewed)

    assert response.status_code == 302
    (tactic,) = Tactic.objects.all()
    assert (tactic.name, tactic.status, tactic.category, tactic.slug) == (
        "Lure ads", Status.DRAFT, recruitment, "lure-ads",
    )  # fmt: skip
    assert [s.slug for s in tactic.stages.all()] == ["grooming"]
    # The formula guard comes off, as read_cell does.
    assert [i.text for i in tactic.indicators.all()] == ["Asks for a photo", "=HYPERLINK(1)"]
    records = tactic.history.all()  # its creation, then its terms
    assert {(r.history_change_reason, r.history_user.username) for r in records} == {
        ("Imported from tactics.csv", "contributors")
    }
    assert [s.stage.slug for s in records[0].stages.all()] == ["grooming"]
    assert {i.history_change_reason for i in Indicator.history.all()} == {
        "Imported from tactics.csv"
    }
    log = LogEntry.objects.get(object_id=str(tactic.pk))
    assert log.action_flag == ADDITION
    assert log.change_message.startswith("Imported from tactics.csv")
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "Imported from tactics.csv: 1 created, 0 changed, 0 pending revisions, "
        f"0 unchanged, 1 rejected. New drafts: {tactic.public_id}."
    ]


def test_a_draft_named_by_id_is_changed_in_place_with_history(contributor, recruitment):
    other = make_term(Category, "Control")
    gps, phones = make_term(Technology, "GPS"), make_term(Technology, "Phones")
    draft = make_tactic("Tracking", status=Status.DRAFT, category=recruitment, technologies=[gps])
    draft.indicators.create(text="Keeps the phone", position=0)
    draft.indicators.create(text="Checks in; often", position=1)
    content = csv_file(
        TACTIC_HEADER,
        tactic_row(id=draft.public_id.lower(), name="Tracking", summary="New summary.",
                   category="Control", technologies="gps; phones",
                   indicators="Checks in; often; Shares location"),
    )  # fmt: skip

    previewed = preview(contributor, content)
    assert rows_of(previewed) == [(2, "changed", "summary; category; technologies; indicators")]
    confirm(contributor, previewed)

    draft.refresh_from_db()
    assert (draft.summary, draft.category, draft.status) == ("New summary.", other, Status.DRAFT)
    assert set(draft.technologies.all()) == {gps, phones}
    # An indicator holding "; " is known again; the one left out of the cell is removed.
    assert [i.text for i in draft.indicators.all()] == ["Checks in; often", "Shares location"]
    assert draft.history.latest().history_change_reason == "Imported from tactics.csv"
    assert LogEntry.objects.get(object_id=str(draft.pk)).action_flag == CHANGE


def test_an_entry_past_draft_gets_a_pending_revision_and_is_never_changed_live(
    contributor, recruitment
):
    published = make_tactic("Sextortion", category=recruitment)
    in_review = make_tactic("Grooming", status=Status.IN_REVIEW, category=recruitment)
    content = csv_file(
        TACTIC_HEADER,
        tactic_row(id=published.public_id, name=published.name, summary="Changed.",
                   category="recruitment", updated_at="2020-01-01", url="https://x"),
        tactic_row(id=in_review.public_id, name=in_review.name, summary=in_review.summary,
                   category="recruitment"),
    )  # fmt: skip
    before = database_state()

    previewed = preview(contributor, content)

    assert rows_of(previewed) == [
        (2, "proposed", f"summary; {published.public_id} is published: the change becomes its "
                        "pending revision, to be sent to review"),
        (3, "unchanged", ""),
    ]  # fmt: skip
    assert database_state() == before  # not even a revision yet
    confirm(contributor, previewed)
    published.refresh_from_db()
    assert (published.summary, published.status) == ("Summary of Sextortion.", Status.PUBLISHED)
    (revision,) = Revision.objects.all()
    assert revision.entry == published
    assert revision.proposed["fields"]["summary_en"] == "Changed."
    assert revision.based_on["fields"]["summary_en"] == "Summary of Sextortion."
    assert (revision.status, revision.note, revision.author.username) == (
        RevisionStatus.DRAFT, "Imported from tactics.csv", "contributors",
    )  # fmt: skip
    log = LogEntry.objects.get(object_id=str(published.pk))
    assert log.change_message == "Imported from tactics.csv: pending revision: summary, " + (
        f"{published.public_id} is published: the change becomes its pending revision, to be "
        "sent to review"
    )


def test_a_second_import_updates_the_open_revision_and_an_unchanged_row_leaves_it(
    reviewer, recruitment
):
    published = make_tactic("Sextortion", category=recruitment)
    control = make_term(Category, "Control")

    def import_row(**cells: str) -> tuple:
        row = tactic_row(id=published.public_id, name="Sextortion", summary="One.", **cells)
        previewed = preview(reviewer, csv_file(TACTIC_HEADER, row))
        confirm(reviewer, previewed)
        return rows_of(previewed)[0]

    assert import_row(category="recruitment")[2].startswith("summary; ")
    # Compared with the pending revision, not the live entry: only the category is new.
    assert import_row(category="control")[2].startswith("category; ")
    (revision,) = Revision.objects.all()
    assert revision.proposed["fields"]["summary_en"] == "One."
    assert revision.proposed["fields"]["category_id"] == control.pk
    assert import_row(category="control") == (2, "unchanged", "")
    assert Revision.objects.get().updated_at == revision.updated_at


def test_a_status_column_is_ignored_and_the_preview_says_so(contributor, recruitment):
    content = csv_file(
        ["name", "summary", "category", "status", "notes"],
        ["Lure ads", "Ads.", "recruitment", "published", "mine"],
    )
    previewed = preview(contributor, content)
    page = previewed.content.decode()
    assert "The status column is ignored" in page
    assert "These columns are not read by this import and were ignored: notes." in page
    confirm(contributor, previewed)
    assert Tactic.objects.get().status == Status.DRAFT


def test_an_xlsx_workbook_imports_like_a_csv_file(reviewer, recruitment):
    content = xlsx_file(
        ["id", "name", "summary", "category", "stages"],
        [None, "Lure ads", "Ads that lure.", "Recruitment", None],
        [None, None, None, None, None],  # a blank row is left out
        [None, "Second", "Also.", "recruitment", "unknown stage"],
    )
    previewed = preview(reviewer, content, "tactics.xlsx")
    assert rows_of(previewed) == [
        (2, "created", "a new draft; its ID is given when the import is confirmed"),
        (4, "rejected", "unknown stages “unknown stage”"),
    ]
    confirm(reviewer, previewed)
    assert list(Tactic.objects.values_list("name_en", "status")) == [("Lure ads", Status.DRAFT)]


# --- citations, countermeasure links, countermeasures and sources --------------------------


def test_citation_rows_add_quotes_to_drafts_by_entry_and_source_id(contributor, recruitment):
    draft = make_tactic("Lure", status=Status.DRAFT, category=recruitment)
    source = make_source()
    cite(draft, source, "Already cited.", locator="p. 1")
    content = csv_file(
        ["entry", "source", "quote", "locator"],
        [draft.public_id, source.public_id, "A new quote.", "p. 2"],
        [draft.public_id, source.public_id, "Already cited.", "p. 3"],
        [draft.public_id, "SR-0999", "Lost.", ""],
        ["XX-1", source.public_id, "Bad entry.", ""],
        [draft.public_id, source.public_id, "", ""],
        [draft.public_id, source.public_id, "A new quote.", "p. 2"],
    )
    previewed = preview(contributor, content, "citations.csv")
    assert rows_of(previewed) == [
        (2, "created", f"a new citation of {source.public_id}"),
        (3, "changed", "locator"),
        (4, "rejected", "source SR-0999 not found"),
        (5, "rejected", "entry “XX-1” is not a tactic or countermeasure ID"),
        (6, "rejected", "missing quote"),
        (7, "rejected", "duplicate row: this quote is on row 2 already"),
    ]
    confirm(contributor, previewed)
    assert list(draft.citations.values_list("quote", "locator")) == [
        ("Already cited.", "p. 3"),
        ("A new quote.", "p. 2"),
    ]
    assert {c.history_change_reason for c in Citation.history.all()} >= {
        "Imported from citations.csv"
    }


def test_a_citation_row_for_a_published_tactic_is_proposed_not_added_live(contributor):
    published = make_tactic("Lure")
    source = make_source()
    content = csv_file(
        ["entry", "source", "quote", "locator"],
        [published.public_id, source.public_id, "A new quote.", "p. 2"],
    )
    previewed = preview(contributor, content, "citations.csv")
    assert rows_of(previewed)[0][:2] == (2, "proposed")
    confirm(contributor, previewed)
    assert not published.citations.exists()
    (revision,) = Revision.objects.all()
    assert [(c["quote"], c["locator"]) for c in revision.proposed["parts"]["citations"]] == [
        ("A new quote.", "p. 2")
    ]


def test_countermeasure_link_rows_link_a_draft_countermeasure_to_tactics(reviewer):
    tactic = make_tactic("Lure")
    countermeasure = make_countermeasure("Warn", status=Status.DRAFT, counters=[tactic])
    other = make_tactic("Other")
    content = csv_file(
        ["countermeasure", "tactic", "note"],
        [countermeasure.public_id, tactic.public_id, "Warns people."],
        [countermeasure.public_id, other.public_id, "Also this."],
        [countermeasure.public_id, "TT-0999", ""],
    )
    previewed = preview(reviewer, content, "mitigations.csv")
    assert rows_of(previewed) == [
        (2, "changed", "note"),
        (3, "created", f"a new link to {other.public_id}"),
        (4, "rejected", "tactic TT-0999 not found"),
    ]
    confirm(reviewer, previewed)
    assert set(countermeasure.mitigations.values_list("tactic__name_en", "note_en")) == {
        ("Lure", "Warns people."),
        ("Other", "Also this."),
    }


def test_countermeasures_are_imported_with_their_kind_of_response_by_label(contributor):
    content = csv_file(
        ["id", "name", "summary", "description", "response_kind", "actors"],
        ["", "Hotlines", "Call us.", "", "Support victims", ""],
        ["", "Nothing", "S.", "", "pray", ""],
    )
    previewed = preview(contributor, content, "countermeasures.csv", page="countermeasure")
    assert rows_of(previewed)[1] == (
        3,
        "rejected",
        "unknown response_kind “pray” (one of: detect, deny, disrupt, deter, prevent, "
        "support_victims)",
    )
    confirm(contributor, previewed, page="countermeasure")
    assert list(Countermeasure.objects.values_list("name_en", "response_kind", "status")) == [
        ("Hotlines", "support_victims", Status.DRAFT)
    ]


def test_source_dates_are_read_as_the_downloads_print_them(contributor):
    content = csv_file(
        ["id", "title", "publisher", "authors", "kind", "date", "original_url", "archive_url",
         "summary", "url"],
        ["", "Day", "", "", "news", "5 March 2024", "example.org/a", "", "", ""],
        ["", "Month", "", "", "News article", "March 2024", "", "", "", ""],
        ["", "Bad", "", "", "news", "31 February 2024", "", "", "", ""],
        ["", "Script", "", "", "news", "n.d.", "javascript:alert(1)", "", "", ""],
    )  # fmt: skip
    previewed = preview(contributor, content, "sources.csv", page="source")
    outcomes = rows_of(previewed)
    assert [o[:2] for o in outcomes] == [
        (2, "created"), (3, "created"), (4, "rejected"), (5, "rejected"),
    ]  # fmt: skip
    assert outcomes[2][2].startswith("bad date “31 February 2024”")
    assert "original_url: Enter a web address (http or https)." in outcomes[3][2]
    confirm(contributor, previewed, page="source")
    day, month = Source.objects.order_by("title")
    assert (day.date_display, day.url) == ("5 March 2024", "https://example.org/a")
    assert (month.date_display, month.status) == ("March 2024", Status.DRAFT)


# --- round trip ---------------------------------------------------------------------------


def test_an_edited_download_loads_back_with_exactly_the_edited_cell(contributor, reader,
                                                                   recruitment):  # fmt: skip
    gps = make_term(Technology, "GPS")
    lure = make_tactic("Lure", category=recruitment, technologies=[gps])
    lure.indicators.create(text="=Asks for money")
    make_tactic("Sextortion", category=recruitment, related_tactics=[lure])
    build_downloads()
    text = reader.get("/downloads/tactics.csv").getvalue().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    rows[1][2] = "An edited summary."  # Lure's summary
    rows.append(tactic_row(name="Brand new", summary="New.", category="recruitment"))
    before = Tactic.objects.get(pk=lure.pk)

    previewed = preview(contributor, csv_file(*rows))
    outcomes = rows_of(previewed)

    # Only the edited cell counts as a change: the guarded indicator, the terms and the
    # related tactic read back as they are.
    assert outcomes[1] == (3, "unchanged", "")
    assert outcomes[2] == (4, "created", "a new draft; its ID is given when the import is "
                                         "confirmed")  # fmt: skip
    assert outcomes[0][:2] == (2, "proposed")
    assert outcomes[0][2].startswith("summary; ")
    confirm(contributor, previewed)
    lure.refresh_from_db()
    assert (lure.summary, lure.updated_at) == (before.summary, before.updated_at)
    assert Tactic.objects.get(name_en="Brand new").status == Status.DRAFT
    # The pending revision holds exactly that change: nothing else differs from the live
    # entry (terms, indicators, citations and links included).
    (revision,) = Revision.objects.all()
    proposed, live = revision.proposed, revision.based_on
    assert {k for k in live["fields"] if proposed["fields"][k] != live["fields"][k]} == {
        "summary_en"
    }
    assert proposed["fields"]["summary_en"] == "An edited summary."
    assert (proposed["terms"], proposed["parts"]) == (live["terms"], live["parts"])


# --- files refused ------------------------------------------------------------------------


def test_a_file_without_the_columns_of_its_kind_is_refused_with_the_columns_it_needs(
    contributor,
):
    response = preview(contributor, csv_file(["title", "kind"], ["A", "news"]))
    assert response.status_code == 200
    assert rows_of(response) == []
    page = response.content.decode()
    assert "This file cannot be imported" in page
    assert "it lacks the column(s) name, summary, category" in page
    assert "Confirm import" not in page


@pytest.mark.parametrize(
    ("content", "name", "fmt", "message"),
    [
        (b"name,summary\n" + "Café".encode("latin-1"), "tactics.csv", 0,
         "This file is not CSV text in UTF-8"),
        (b"%PDF-1.4 \x00\x01", "tactics.csv", 0, "This file is not"),
        (b"name,summary,category\nnot,a,workbook\n", "tactics.xlsx", 1,
         "This file is not an Excel workbook (XLSX)"),
        (b"name,summary,category\nA,B,C,D\n", "tactics.csv", 0,
         "Row 2 has more cells than the header has columns."),
    ],
)  # fmt: skip
def test_a_malformed_file_gets_a_clear_message_never_an_error(contributor, content, name, fmt,
                                                             message):  # fmt: skip
    response = preview(contributor, content, name, fmt=fmt)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["import_file"])


def test_size_limits_are_announced_and_kept(contributor, recruitment, settings):
    settings.KB_IMPORT_MAX_ROWS = 2
    rows = [tactic_row(name=f"T{n}", summary="S.", category="recruitment") for n in range(3)]
    response = preview(contributor, csv_file(TACTIC_HEADER, *rows))
    assert "The file has more than 2 rows" in str(response.context["form"].errors)
    settings.KB_IMPORT_MAX_BYTES = 100
    response = preview(contributor, csv_file(TACTIC_HEADER, *rows[:1]))
    assert "an import takes at most 100" in str(response.context["form"].errors)
    assert not Tactic.objects.exists()


# --- who may import -------------------------------------------------------------------------


def test_staff_without_a_role_may_not_import_and_readers_are_sent_to_sign_in(
    staff_client, reader, recruitment
):
    content = csv_file(TACTIC_HEADER, tactic_row(name="X", summary="S.", category="recruitment"))
    assert staff_client.get(reverse("admin:kb_tactic_import")).status_code == 403
    assert preview(staff_client, content).status_code == 403
    assert staff_client.post(reverse("admin:kb_tactic_process_import"), {}).status_code == 403
    response = preview(reader, content)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert not Tactic.objects.exists()


def test_contributors_see_the_import_button_and_the_page(contributor):
    assert (
        'class="import_link"'
        in contributor.get(reverse("admin:kb_tactic_changelist")).content.decode()
    )
    page = contributor.get(reverse("admin:kb_tactic_import"))
    assert page.status_code == 200
    assert "Nothing is published by an import" in page.content.decode()


# --- the confirm step keeps the preview's promise ----------------------------------------


def test_a_confirm_after_the_knowledge_base_changed_imports_nothing_and_shows_a_new_preview(
    contributor, recruitment
):
    draft = make_tactic("Lure", status=Status.DRAFT, category=recruitment)
    content = csv_file(
        TACTIC_HEADER,
        tactic_row(id=draft.public_id, name="Lure", summary="Imported.", category="recruitment"),
    )
    previewed = preview(contributor, content)
    assert rows_of(previewed) == [(2, "changed", "summary")]
    draft.summary = "Imported."  # someone else saves the same change meanwhile
    draft.save()
    before = database_state()

    response = confirm(contributor, previewed)

    assert response.status_code == 200
    assert rows_of(response) == [(2, "unchanged", "")]
    assert "The knowledge base changed since the preview" in response.content.decode()
    assert database_state() == before


def test_a_confirm_of_a_file_no_longer_kept_asks_for_it_again(contributor, recruitment):
    content = csv_file(TACTIC_HEADER, tactic_row(name="X", summary="S.", category="recruitment"))
    previewed = preview(contributor, content)
    form = previewed.context["confirm_form"]
    data = {name: form.initial[name] for name in form.fields}
    data["import_file_name"] = "gone"
    response = contributor.post(reverse("admin:kb_tactic_process_import"), data)
    assert response.status_code == 302
    assert not Tactic.objects.exists()
    data["import_file_name"] = form.initial["import_file_name"]
    for field, forged in (
        ("format", "nine"),
        ("format", "1"),
        ("resource", "7"),
        ("resource", "x"),
    ):
        response = contributor.post(
            reverse("admin:kb_tactic_process_import"), {**data, field: forged}
        )
        assert response.status_code == 302
