"""The History page reads as a story: one row per save, the admin's labels and status names,
complete differences, indicators and citations included, and any two saves compared."""

from __future__ import annotations

import re

import pytest

from kb.curation.history import saves, state_as_of
from kb.models import Status, Tactic

from ..factories import complete, make_tactic
from .forms import admin_form, inline_management

pytestmark = pytest.mark.django_db

LONG = "A long description that must be shown in full. " * 30


def save_form(client, tactic: Tactic, **changes) -> None:
    response = client.post(f"/admin/kb/tactic/{tactic.pk}/change/", admin_form(tactic, **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_one_save_with_parts_and_a_step_is_one_row_in_the_admins_words(reviewer):
    tactic = complete(make_tactic("Lantern", status=Status.DRAFT))
    form = {
        **admin_form(tactic, description=LONG, _transition="send_to_review"),
        **inline_management("indicators", 1),
        "indicators-0-text_en": "The phone is checked by someone else",
        "indicators-0-position": "0",
    }
    reviewer.post(f"/admin/kb/tactic/{tactic.pk}/change/", form)
    newest = saves(tactic)[0]
    assert newest.user.username == "reviewers"
    assert newest.status_change == "Draft → In review"

    page = reviewer.get(f"/admin/kb/tactic/{tactic.pk}/history/").text
    assert page.count('class="module history-save"') == len(saves(tactic))
    assert "Draft → In review" in page
    assert '<th scope="row">Description</th>' in page  # the label, not "description"
    assert '<th scope="row">Indicators</th>' in page
    assert "<ins>The phone is checked by someone else</ins>" in page
    text = re.sub(r"<[^>]+>", "", page)
    assert LONG.strip() in text  # complete, not truncated


def test_a_change_to_a_citation_shows_on_its_entrys_history(reviewer):
    tactic = complete(make_tactic("Lantern", status=Status.DRAFT))
    citation = tactic.citations.get()
    citation.quote = "A corrected quote."
    citation.save()
    page = reviewer.get(f"/admin/kb/tactic/{tactic.pk}/history/").text
    assert "<ins>" in page and "A corrected quote." in page


def test_any_two_saves_can_be_compared(reviewer):
    tactic = make_tactic("Lantern", status=Status.DRAFT)
    save_form(reviewer, tactic, summary="Second summary.")
    save_form(reviewer, tactic, summary="Third summary.")
    oldest, newest = saves(tactic)[-1], saves(tactic)[0]
    assert state_as_of(Tactic, tactic.pk, oldest.ended)["fields"]["summary_en"] == (
        "Summary of Lantern."
    )
    response = reviewer.get(
        f"/admin/kb/tactic/{tactic.pk}/history/compare/",
        {"from": oldest.ended.isoformat(), "to": newest.ended.isoformat()},
    )
    assert response.status_code == 200
    assert re.search(r"<del>[^<]*Lantern\.\s*</del>", response.text)
    assert re.search(r"<ins>Third[^<]*</ins>", response.text) and "Second" not in response.text


@pytest.mark.parametrize(
    "moments",
    [{"from": "yesterday"}, {"from": "2024-02-30T00:00", "to": "2024-03-01T00:00"}],
)
def test_comparing_without_two_real_moments_is_a_clear_400(reviewer, moments):
    tactic = make_tactic("Lantern", status=Status.DRAFT)
    url = f"/admin/kb/tactic/{tactic.pk}/history/compare/"
    response = reviewer.get(url, moments)
    assert response.status_code == 400
    assert "Choose two saves" in response.text


def test_a_moment_without_a_time_zone_is_read_as_utc(reviewer):
    tactic = make_tactic("Lantern", status=Status.DRAFT)
    url = f"/admin/kb/tactic/{tactic.pk}/history/compare/"
    newest = saves(tactic)[0].ended.isoformat()
    response = reviewer.get(url, {"from": "2020-01-01T00:00", "to": newest})
    assert response.status_code == 200
