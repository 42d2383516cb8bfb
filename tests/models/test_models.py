"""The data model: permanent IDs, constraints, the editorial workflow."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kb.management.commands.seed import load_seed_fixture
from kb.models import (
    Citation,
    DatePrecision,
    PublicIdCounter,
    Source,
    Status,
    Tactic,
    WorkflowError,
    parse_public_id,
)

from ..factories import cite, make_countermeasure, make_source, make_tactic

pytestmark = pytest.mark.django_db


def test_public_ids_are_assigned_in_sequence_on_first_save():
    first, second = make_tactic(), make_tactic()
    assert (first.public_id, second.public_id) == ("TT-0001", "TT-0002")
    assert make_countermeasure().public_id == "CM-0001"
    assert make_source().public_id == "SR-0001"


def test_public_id_does_not_change_when_the_entry_is_renamed():
    tactic = make_tactic("Old name")
    tactic.name, tactic.slug = "New name", "new-name"
    tactic.save()
    tactic.refresh_from_db()
    assert tactic.public_id == "TT-0001"


def test_public_id_of_a_deleted_entry_is_never_reused():
    make_tactic()
    make_tactic().delete()
    assert make_tactic().public_id == "TT-0003"


def test_ids_loaded_from_a_fixture_are_reserved(tmp_path):
    load_seed_fixture()
    highest = max(int(t.public_id[3:]) for t in Tactic.objects.all())
    assert PublicIdCounter.objects.get(prefix="TT").last_number == highest
    assert make_tactic().public_id == f"TT-{highest + 1:04d}"


def test_public_id_parsing_accepts_any_case_and_padding():
    assert parse_public_id("tt-12") == ("TT", 12)
    assert parse_public_id("TT-0012") == ("TT", 12)
    assert parse_public_id("TT-") is None
    assert parse_public_id("TT-12a") is None
    assert parse_public_id("1-12") is None


def test_slugs_are_unique():
    make_tactic("Same", slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_tactic("Other", slug="same")


def test_database_rejects_an_unknown_status():
    tactic = make_tactic()
    with pytest.raises(IntegrityError), transaction.atomic():
        Tactic.objects.filter(pk=tactic.pk).update(status="deleted")


def test_entry_cannot_be_replaced_by_itself():
    tactic = make_tactic()
    with pytest.raises(IntegrityError), transaction.atomic():
        Tactic.objects.filter(pk=tactic.pk).update(replaced_by=tactic)


def test_citation_supports_exactly_one_entry():
    source, tactic = make_source(), make_tactic()
    countermeasure = make_countermeasure()
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(source=source, quote="q")
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(
            source=source, quote="q", tactic=tactic, countermeasure=countermeasure
        )


def test_a_cited_source_cannot_be_deleted():
    source = make_source()
    cite(make_tactic(), source)
    with pytest.raises(Exception, match="protected"), transaction.atomic():
        source.delete()


def test_source_date_needs_its_precision():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_source(published_on="2024-06-24")
    source = Source(title="t", slug="t", published_on="2024-06-24")
    with pytest.raises(ValidationError):
        source.clean()


@pytest.mark.parametrize(
    ("precision", "dateline", "expected"),
    [
        (DatePrecision.DAY, "", "24 June 2024"),
        (DatePrecision.MONTH, "", "June 2024"),
        (DatePrecision.YEAR, "", "2024"),
        (None, "April 25", "April 25"),
        (None, "", "n.d."),
    ],
)
def test_source_date_is_shown_to_the_precision_known(precision, dateline, expected):
    import datetime

    source = Source(
        published_on=datetime.date(2024, 6, 24) if precision else None,
        date_precision=precision or "",
        dateline=dateline,
    )
    assert source.date_display == expected


def test_publishing_requires_review_first():
    tactic = make_tactic(status=Status.DRAFT)
    with pytest.raises(WorkflowError):
        tactic.apply("publish")
    tactic.apply("send_to_review")
    tactic.apply("publish")
    assert tactic.status == Status.PUBLISHED
    assert tactic.published_at is not None


def test_first_publication_date_survives_retire_and_reinstate():
    tactic = make_tactic(status=Status.IN_REVIEW)
    tactic.apply("publish")
    first = tactic.published_at
    tactic.apply("retire")
    tactic.apply("publish")
    assert tactic.published_at == first


def test_only_published_entries_can_be_retired():
    with pytest.raises(WorkflowError):
        make_tactic(status=Status.DRAFT).apply("retire")


def test_published_excludes_drafts_reviews_and_retired():
    published = make_tactic(status=Status.PUBLISHED)
    for status in (Status.DRAFT, Status.IN_REVIEW, Status.RETIRED):
        make_tactic(status=status)
    assert list(Tactic.objects.published()) == [published]


def test_references_number_sources_in_order_of_first_citation():
    tactic = make_tactic()
    first, second = make_source(), make_source()
    cite(tactic, second, "b1", position=1)
    cite(tactic, first, "a1", position=2)
    cite(tactic, second, "b2", position=3)
    page = Tactic.objects.for_page().get(pk=tactic.pk)
    references = page.references()
    assert [(r.number, r.source, [c.quote for c in r.citations]) for r in references] == [
        (1, second, ["b1", "b2"]),
        (2, first, ["a1"]),
    ]


def test_references_leave_out_unpublished_sources():
    tactic = make_tactic()
    cite(tactic, make_source(status=Status.DRAFT))
    assert Tactic.objects.for_page().get(pk=tactic.pk).references() == []


def test_canonical_public_id_checks_the_prefix():
    from kb.models import canonical_public_id

    assert canonical_public_id("tt-7", "TT") == "TT-0007"
    assert canonical_public_id("CM-0007", "TT") is None
    assert canonical_public_id("nonsense", "TT") is None
