"""The source list and source pages."""

import datetime

import pytest

from kb.models import Status

from ..factories import cite, make_countermeasure, make_source, make_tactic

pytestmark = pytest.mark.django_db


def test_only_published_sources_are_listed(reader):
    make_source(title="Public report")
    make_source(title="Unchecked report", status=Status.DRAFT)
    response = reader.get("/sources/")
    assert "Public report" in response.text
    assert "Unchecked report" not in response.text


def test_source_list_filters_by_kind_and_sorts_by_date(reader):
    older = make_source(
        title="Older", kind="news", published_on=datetime.date(2017, 4, 1), date_precision="month"
    )
    newer = make_source(
        title="Newer", kind="news", published_on=datetime.date(2024, 6, 1), date_precision="year"
    )
    make_source(title="A government report", kind="government_report")
    response = reader.get("/sources/?kind=news&sort=date")
    assert [s.public_id for s in response.context["entries"]] == [newer.public_id, older.public_id]


def test_source_page_lists_what_cites_it_with_the_quotes(reader):
    source = make_source(title="FBI article", authors="A. Reporter", publisher="A Foundation")
    cite(make_tactic("GPS tracking"), source, "Global Positioning Systems in cell phones")
    cite(make_countermeasure("Joint operation"), source, "A concerted effort")
    cite(make_tactic("Draft tactic", status=Status.DRAFT), source, "Secret quote")
    response = reader.get(source.get_absolute_url())
    assert response.status_code == 200
    for shown in ("GPS tracking", "Global Positioning Systems", "Joint operation", "A. Reporter"):
        assert shown in response.text
    assert "Draft tactic" not in response.text
    assert "Secret quote" not in response.text


def test_source_links_to_its_original_and_archived_copy(reader):
    source = make_source(
        url="https://news.example/article", archive_url="https://archive.example/copy"
    )
    text = reader.get(source.get_absolute_url()).text
    assert 'href="https://news.example/article"' in text
    assert 'href="https://archive.example/copy"' in text


def test_draft_source_is_not_found(reader):
    assert reader.get(make_source(status=Status.DRAFT).get_absolute_url()).status_code == 404


def test_a_sources_date_is_written_in_the_readers_language(reader):
    source = make_source(
        title="Report", published_on=datetime.date(2025, 11, 3), date_precision="month"
    )
    dated = make_source(title="Dated", published_on=datetime.date(2024, 2, 9), date_precision="day")
    undated = make_source(title="Undated")
    month, day, nothing = (s.get_absolute_url() for s in (source, dated, undated))
    assert "November 2025" in reader.get(month).text
    assert "noviembre de 2025" in reader.get("/es" + month).text
    assert "9 février 2024" in reader.get("/fr" + day).text
    assert "9 February 2024" in reader.get("/sources/").text
    assert "n.d." in reader.get(nothing).text
