"""Suggestions from the field: anyone may send a correction, a source or a new tactic from
/suggest/, without an account; it reaches the reviewers and nothing of it is ever public.
The form turns away bots, floods, forged posts and oversize bodies with a page saying why,
and is never cached with another reader's CSRF token."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.cache import cache
from django.test import Client

from kb.downloads.build import build_downloads
from kb.models import (
    SearchDocument,
    Status,
    Suggestion,
    SuggestionKind,
    SuggestionStatus,
    current_content_version,
)
from kb.models.versions import record_version

from ..factories import make_countermeasure, make_source, make_tactic
from .test_visibility import listing_urls

pytestmark = pytest.mark.django_db

FIELD_ADDRESS = "203.0.113.7"
LINK_TEXT = "Suggest a correction, a source or a new tactic"
SECRET_MESSAGE = "Zebrafinch recruiters moved the chat to a second app after the first week."


@pytest.fixture(autouse=True)
def rate_counts_start_empty():
    """Each test counts its own suggestions in the shared cache, from nothing."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reviewer_on_mail(django_user_model) -> User:
    """A reviewer with an email address, to be told when a suggestion arrives."""
    user = django_user_model.objects.create_user(
        "rhea", email="rhea@kb.example", password="x", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Reviewers"))
    return user


def suggestion_form(**fields) -> dict:
    return {
        "kind": SuggestionKind.NEW_TACTIC,
        "about": "",
        "message": SECRET_MESSAGE,
        "link": "",
        "contact_name": "",
        "contact_email": "",
        "website": "",
        **fields,
    }


def send(client: Client, address: str = FIELD_ADDRESS, **fields):
    return client.post("/suggest/", suggestion_form(**fields), REMOTE_ADDR=address)


def csrf_token_in(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None
    return found[1]


# --- the form ---------------------------------------------------------------------------------


def test_the_form_says_what_not_to_include_and_that_reviewers_read_first(reader):
    response = reader.get("/suggest/")
    assert response.status_code == 200
    page = response.text
    for warning in ("names, photos, phone numbers", "identify a victim", "never published"):
        assert warning in page
    assert "Reviewers read every suggestion before anything is published" in page
    assert 'name="csrfmiddlewaretoken"' in page
    # The honeypot is out of sight, out of screen readers' reach and out of the tab order.
    hidden = r'<div class="visually-hidden" aria-hidden="true">.*?name="website"'
    assert re.search(hidden, page, re.S)
    assert re.search(r'<input[^>]*name="website"[^>]*tabindex="-1"', page) or re.search(
        r'<input[^>]*tabindex="-1"[^>]*name="website"', page
    )


def test_coming_from_an_entry_the_form_is_about_it(reader):
    tactic = make_tactic("Lantern grooming")
    page = reader.get(f"/suggest/?about={tactic.public_id.lower()}").text
    assert f'value="{tactic.public_id}"' in page
    assert "Lantern grooming" in page
    assert 'value="correction" required id="id_kind_0" checked' in page


def test_a_draft_is_never_named_on_the_form(reader):
    draft = make_tactic("Secretdraft lantern", status=Status.DRAFT)
    response = reader.get(f"/suggest/?about={draft.public_id}", follow=True)
    # The plain form, at an address that does not repeat the ID either (link previews show it).
    assert response.redirect_chain == [("/suggest/", 302)]
    assert response.context["form"]["about"].value() is None
    assert draft.public_id not in response.text
    assert "Secretdraft" not in response.text
    response = send(reader, about=draft.public_id, kind=SuggestionKind.CORRECTION)
    assert response.status_code == 200
    assert f"No public entry has the ID “{draft.public_id}”" in response.text
    assert not Suggestion.objects.exists()


def test_a_parameter_the_form_does_not_read_is_redirected_away(reader):
    tactic = make_tactic()
    response = reader.get(f"/suggest/?about={tactic.public_id}&utm_source=newsletter")
    assert response.status_code == 301
    assert response["Location"] == f"/suggest/?about={tactic.public_id}"


# --- sending ----------------------------------------------------------------------------------


def test_a_suggestion_is_saved_for_the_reviewers_and_the_sender_thanked(reader):
    tactic = make_tactic("Lantern grooming")
    response = send(
        reader,
        kind=SuggestionKind.CORRECTION,
        about=tactic.public_id.lower(),
        message="The second indicator\r\nis out of date.",
        link="www.example.org/report",
        contact_name="Amina",
        contact_email="amina@ngo.example",
    )
    assert response.status_code == 302
    assert response["Location"] == "/suggest/thanks/"
    suggestion = Suggestion.objects.get()
    assert suggestion.kind == SuggestionKind.CORRECTION
    assert suggestion.about == tactic.public_id
    assert suggestion.entry() == tactic
    assert suggestion.message == "The second indicator\nis out of date."
    assert suggestion.link == "https://www.example.org/report"
    assert (suggestion.contact_name, suggestion.contact_email) == ("Amina", "amina@ngo.example")
    assert suggestion.status == SuggestionStatus.NEW
    thanks = reader.get(response["Location"]).text
    assert "Nothing is published until a reviewer has checked it" in thanks


def test_reviewers_are_emailed_without_the_message(
    reader, reviewer_on_mail, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(reader, contact_email="amina@ngo.example")
    suggestion = Suggestion.objects.get()
    assert [message.to for message in mail.outbox] == [["rhea@kb.example"]]
    body = mail.outbox[0].body
    assert f"/admin/kb/suggestion/{suggestion.pk}/change/" in body
    # What the sender wrote stays in the admin: it may hold what must not travel by email.
    assert "Zebrafinch" not in body
    assert "amina@ngo.example" not in body


def test_reviewers_are_emailed_in_the_sites_language_whatever_the_readers(
    reader, reviewer_on_mail, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reader.post("/es/suggest/", suggestion_form(), REMOTE_ADDR=FIELD_ADDRESS)
    [message] = mail.outbox
    assert message.subject.endswith("] Suggestion from the field: a new tactic")
    assert message.body.startswith("A reader has sent a suggestion: a new tactic.")


def test_a_suggestion_appears_on_no_public_page_feed_download_or_search(reader):
    visible = make_tactic("Visible lantern", summary="Lantern summary.")
    make_countermeasure("Lantern beacon", counters=[visible])
    make_source(title="Public report")
    record_version(visible, "Published")
    documents = SearchDocument.objects.count()
    version = current_content_version().number
    send(
        reader,
        kind=SuggestionKind.CORRECTION,
        about=visible.public_id,
        contact_name="Amina Secretname",
        contact_email="secretmail@ngo.example",
    )
    assert Suggestion.objects.count() == 1
    # Not indexed, and not a change to what readers see (cached pages stay as they are).
    assert SearchDocument.objects.count() == documents
    assert current_content_version().number == version
    build_downloads()
    urls = [
        *listing_urls(visible),
        "/search/?q=zebrafinch",
        "/tactics/?q=zebrafinch",
        "/api/search/?q=zebrafinch&format=json",
        f"/tactics/{visible.public_id}/changes/",
        f"/tactics/{visible.public_id}/v1/",
    ]
    for url in urls:
        response = reader.get(url)
        assert response.status_code == 200, url
        body = response.getvalue().decode()
        for secret in ("Zebrafinch", "zebrafinch recruiters", "Secretname", "secretmail"):
            assert secret not in body, f"{secret} shown by {url}"


def test_a_bot_filling_the_hidden_field_is_thanked_and_nothing_is_saved(
    reader, reviewer_on_mail, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(reader, website="https://cheap-pills.example")
    assert response.status_code == 302
    assert response["Location"] == "/suggest/thanks/"
    assert not Suggestion.objects.exists()
    assert not mail.outbox


def test_an_invalid_suggestion_is_shown_back_with_what_to_fix(reader):
    response = send(reader, message="   ", contact_email="not an address")
    assert response.status_code == 200
    page = response.text
    assert "Your suggestion has not been sent yet" in page
    assert 'href="#id_message"' in page
    assert 'href="#id_contact_email"' in page
    assert not Suggestion.objects.exists()


# --- refusals ---------------------------------------------------------------------------------


def test_one_address_may_send_only_so_many_in_an_hour(reader, settings):
    settings.KB_SUGGESTIONS_PER_HOUR = 2
    assert send(reader).status_code == 302
    assert send(reader).status_code == 302
    refused = send(reader, message="A third one, kept on the page.")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    assert "2 suggestions have already come from your connection" in refused.text
    assert "A third one, kept on the page." in refused.text
    assert Suggestion.objects.count() == 2
    # Another address has its own count.
    assert send(reader, address="198.51.100.20").status_code == 302
    assert Suggestion.objects.count() == 3


def test_the_rate_limit_is_kept_in_the_cache_under_no_address(reader, settings):
    settings.KB_SUGGESTIONS_PER_HOUR = 1
    send(reader)
    # The count survives a new client (it is the shared cache's, not a session's)...
    assert send(Client()).status_code == 429
    # ...and is gone with the cache's entries, which hold no address to find it by.
    cache.clear()
    assert send(Client()).status_code == 302


def test_bots_count_towards_the_limit_too(reader, settings):
    settings.KB_SUGGESTIONS_PER_HOUR = 1
    send(reader, website="spam")
    assert send(reader).status_code == 429
    assert not Suggestion.objects.exists()


def test_an_overlong_message_is_refused_with_its_length(reader, settings):
    settings.KB_SUGGESTION_MAX_CHARS = 100
    response = send(reader, message="x" * 101)
    assert response.status_code == 200
    assert "Your message is 101 characters long; the most we can take is 100" in response.text
    assert not Suggestion.objects.exists()
    # Line breaks count once, as the sender's browser counts them.
    assert send(reader, message="x" * 50 + "\r\n" + "x" * 49).status_code == 302


def test_an_oversize_body_is_refused_before_it_is_read(reader, settings):
    settings.KB_SUGGESTION_MAX_BYTES = 1024
    response = send(reader, message="x" * 2000)
    assert response.status_code == 413
    assert "too large for us to receive" in response.text
    assert not Suggestion.objects.exists()


def test_a_post_without_its_csrf_token_is_refused_and_the_text_kept(settings):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/suggest/")  # the CSRF cookie
    response = browser.post("/suggest/", suggestion_form(), REMOTE_ADDR=FIELD_ADDRESS)
    assert response.status_code == 403
    assert "the form had expired" in response.text
    assert SECRET_MESSAGE in response.text
    assert not Suggestion.objects.exists()
    # The page it answers with carries a token that works.
    token = csrf_token_in(response.text)
    form = {**suggestion_form(), "csrfmiddlewaretoken": token}
    assert browser.post("/suggest/", form, REMOTE_ADDR=FIELD_ADDRESS).status_code == 302
    assert Suggestion.objects.count() == 1


def test_only_get_head_and_post(reader):
    assert reader.put("/suggest/").status_code == 405
    assert reader.head("/suggest/").status_code == 200


# --- links to the form ------------------------------------------------------------------------


def test_every_entry_page_links_to_the_form_about_itself(reader):
    tactic = make_tactic()
    countermeasure = make_countermeasure(counters=[tactic])
    source = make_source()
    record_version(tactic, "Published")
    for entry, page in [
        (tactic, tactic.get_absolute_url()),
        (countermeasure, countermeasure.get_absolute_url()),
        (source, source.get_absolute_url()),
        (tactic, f"/tactics/{tactic.public_id}/v1/"),
    ]:
        body = reader.get(page).text
        assert LINK_TEXT in body, page
        assert f'href="/suggest/?about={entry.public_id}"' in body, page


def test_a_search_that_finds_nothing_offers_the_form(reader):
    make_tactic("Lantern")
    assert LINK_TEXT not in reader.get("/search/?q=lantern").text
    body = reader.get("/search/?q=zebrafinch").text
    assert f'href="/suggest/">{LINK_TEXT}</a>' in body


# --- the page cache ---------------------------------------------------------------------------


@pytest.mark.page_cache
def test_the_form_is_never_served_from_the_page_cache():
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page = first.get("/suggest/")
    # Marked so that neither the page cache nor a proxy or browser keeps it.
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    other = second.get("/suggest/")
    assert other.cookies["csrftoken"].value != page.cookies["csrftoken"].value
    # Each reader's own token works for them: neither was given the other's page.
    for client, response in ((second, other), (first, page)):
        form = {**suggestion_form(), "csrfmiddlewaretoken": csrf_token_in(response.text)}
        assert client.post("/suggest/", form, REMOTE_ADDR=FIELD_ADDRESS).status_code == 302
    assert Suggestion.objects.count() == 2
