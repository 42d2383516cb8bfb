"""Curation through the real admin pages: create, review, publish, retire."""

import warnings

import pytest
from django.contrib.admin.models import LogEntry

from kb.models import Status, Tactic, record_version

from ..factories import complete, make_countermeasure, make_source, make_tactic, make_term
from .forms import inline_management, new_tactic_form

pytestmark = pytest.mark.django_db


def test_admin_creates_reviews_publishes_and_retires_a_tactic(admin_client, reader):
    from kb.models import Category, Technology

    category, technology = make_term(Category), make_term(Technology)
    source, countermeasure = make_source(), make_countermeasure("Seize servers")

    response = admin_client.post(
        "/admin/kb/tactic/add/", new_tactic_form(category, technology, source, countermeasure)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    tactic = Tactic.objects.get(slug="fake-modelling-agency")
    assert tactic.status == Status.DRAFT
    assert tactic.public_id == "TT-0001"
    assert tactic.indicators.count() == tactic.citations.count() == 1
    assert list(tactic.countermeasures.all()) == [countermeasure]
    assert reader.get(tactic.get_absolute_url()).status_code == 404

    # The "Send to review" button under the change form.
    response = admin_client.post(
        f"/admin/kb/tactic/{tactic.pk}/change/",
        {
            **new_tactic_form(category, technology, source, countermeasure),
            **inline_management("indicators", 0),
            **inline_management("citations", 0),
            **inline_management("mitigations", 0),
            "_transition": "send_to_review",
        },
    )
    assert response.status_code == 302
    tactic.refresh_from_db()
    assert tactic.status == Status.IN_REVIEW

    # The "Publish" bulk action on the list.
    admin_client.post("/admin/kb/tactic/", {"action": "publish", "_selected_action": [tactic.pk]})
    tactic.refresh_from_db()
    assert tactic.status == Status.PUBLISHED
    assert tactic.published_at is not None
    assert "Fake modelling agency" in reader.get("/tactics/").text
    assert reader.get(tactic.get_absolute_url()).status_code == 200

    admin_client.post("/admin/kb/tactic/", {"action": "retire", "_selected_action": [tactic.pk]})
    tactic.refresh_from_db()
    assert tactic.status == Status.RETIRED
    assert "Fake modelling agency" not in reader.get("/tactics/").text
    assert "This entry is retired" in reader.get(tactic.get_absolute_url()).text

    history = [e.get_change_message() for e in LogEntry.objects.filter(object_id=tactic.pk)]
    assert any("Publish" in message for message in history)
    assert any("Retire" in message for message in history)


def test_publish_action_skips_entries_that_were_not_reviewed(admin_client):
    draft = make_tactic(status=Status.DRAFT)
    response = admin_client.post(
        "/admin/kb/tactic/", {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert "does not apply to TT-0001" in response.text


def test_refused_transition_still_saves_the_edits(admin_client):
    from kb.models import Category, Technology

    source, countermeasure = make_source(), make_countermeasure()
    category, technology = make_term(Category), make_term(Technology)
    form = new_tactic_form(category, technology, source, countermeasure, _transition="publish")
    response = admin_client.post("/admin/kb/tactic/add/", form, follow=True)
    tactic = Tactic.objects.get(slug="fake-modelling-agency")
    assert tactic.status == Status.DRAFT
    assert "does not apply" in response.text


def test_status_cannot_be_set_through_the_form(admin_client):
    tactic = make_tactic(status=Status.DRAFT)
    response = admin_client.get(f"/admin/kb/tactic/{tactic.pk}/change/")
    assert 'name="status"' not in response.text
    assert 'value="send_to_review"' in response.text
    assert 'value="publish"' not in response.text


@pytest.mark.parametrize(
    "url",
    [
        "/admin/kb/tactic/",
        "/admin/kb/tactic/?q=grooming",
        "/admin/kb/tactic/?status__exact=draft",
        "/admin/kb/tactic/add/",
        "/admin/kb/countermeasure/",
        "/admin/kb/countermeasure/add/",
        "/admin/kb/source/",
        "/admin/kb/source/add/",
        "/admin/kb/category/",
        "/admin/kb/stage/",
        "/admin/kb/synonymgroup/",
        "/admin/kb/synonymgroup/add/",
    ],
)
def test_admin_pages_load(admin_client, url):
    make_tactic("Grooming on gaming platforms")
    assert admin_client.get(url).status_code == 200


def test_autocomplete_finds_related_records(admin_client):
    make_tactic("Sextortion")
    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "kb",
            "model_name": "tactic",
            "field_name": "related_tactics",
            "term": "sext",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["TT-0001 Sextortion"]


def test_change_form_links_to_the_entry_on_the_site(admin_client):
    tactic = make_tactic()
    response = admin_client.get(f"/admin/kb/tactic/{tactic.pk}/change/")
    assert "View on site" in response.text


def test_admin_adds_a_synonym_group_that_search_uses_at_once(admin_client, reader):
    make_tactic("Virtual currency payments")
    response = admin_client.post(
        "/admin/kb/synonymgroup/add/", {"terms_en": "monero, virtual currency", "note": "coins"}
    )
    assert response.status_code == 302
    assert [t.name for t in reader.get("/tactics/?q=monero").context["entries"]] == [
        "Virtual currency payments"
    ]


# --- saves are atomic: a failure part-way leaves nothing half-saved ------------------------


@pytest.fixture
def failing_versions(monkeypatch):
    """Numbering a published version fails: the last step of every publishing save."""

    def fail(entry, note):
        raise RuntimeError("disk full")

    monkeypatch.setattr("kb.curation.workflow.record_version", fail)


@pytest.fixture
def failing_admin(admin_client):
    admin_client.raise_request_exception = False
    return admin_client


def test_a_change_form_save_that_fails_late_changes_nothing(failing_admin, failing_versions):
    tactic = complete(make_tactic("Lantern", status=Status.IN_REVIEW))
    history = tactic.history.count()
    form = {
        "name_en": "Renamed",
        "slug": tactic.slug,
        "summary_en": tactic.summary,
        "category": tactic.category_id,
        "stages": list(tactic.stages.values_list("pk", flat=True)),
        "technologies": list(tactic.technologies.values_list("pk", flat=True)),
        "_transition": "publish",
        **inline_management("indicators", 1),
        "indicators-0-text_en": "A new red flag.",
        "indicators-0-position": "0",
        **inline_management("citations", 0),
        **inline_management("mitigations", 0),
    }
    response = failing_admin.post(f"/admin/kb/tactic/{tactic.pk}/change/", form)
    assert response.status_code == 500
    tactic.refresh_from_db()
    assert (tactic.name, tactic.status) == ("Lantern", Status.IN_REVIEW)
    assert not tactic.indicators.exists()
    assert tactic.history.count() == history
    assert not LogEntry.objects.exists()


def test_a_list_action_that_fails_part_way_changes_no_entry(failing_admin, monkeypatch):
    first, second = (complete(make_tactic(status=Status.IN_REVIEW)) for _ in range(2))
    real = record_version

    def fail_on_second(entry, note):
        if entry.pk == second.pk:
            raise RuntimeError("disk full")
        return real(entry, note)

    monkeypatch.setattr("kb.curation.workflow.record_version", fail_on_second)
    response = failing_admin.post(
        "/admin/kb/tactic/", {"action": "publish", "_selected_action": [first.pk, second.pk]}
    )
    assert response.status_code == 500
    assert set(Tactic.objects.values_list("status", flat=True)) == {Status.IN_REVIEW}
    assert not first.versions.exists()
    assert not LogEntry.objects.exists()


def test_source_autocomplete_pages_are_in_a_stable_order(admin_client):
    for title in ("Beta report", "Alpha report", "Gamma report"):
        make_source(title=title)
    url = "/admin/autocomplete/?app_label=kb&model_name=citation&field_name=source&term=report"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Django warns when it paginates an unordered list
        response = admin_client.get(url)
    assert [r["text"] for r in response.json()["results"]] == [
        "Alpha report", "Beta report", "Gamma report",
    ]  # fmt: skip
