"""Hostile input: every text field admins edit, full of XSS payloads, rendered on every page
type, feed, API response and download. Nothing may execute.

HTML responses are parsed as a browser would tokenise them, and must contain no element,
attribute or link that could run a script: the payloads must arrive as text.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from django.db import IntegrityError, transaction

from kb.downloads.build import build_downloads
from kb.models import (
    Actor,
    Category,
    Indicator,
    Platform,
    Source,
    Stage,
    Status,
    TargetGroup,
    Technology,
)
from kb.models.versions import record_version

from ..factories import cite, make_countermeasure, make_source, make_tactic
from ..markup import executable_parts

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "</textarea><script>alert(1)</script>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<iframe src=javascript:alert(1)></iframe>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "'';!--\"<XSS>=&{()}",
    "<details open ontoggle=alert(1)>",
    "[a](  JaVaScRiPt:alert(1) )",
]
HOSTILE = " ".join(PAYLOADS)  # for text fields
SHORT = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'  # for 100-character fields


@pytest.fixture
def hostile():
    """Published content with a payload in every field an admin types into."""
    terms = {
        model: model.objects.create(name=f"{model.__name__} {SHORT}", slug=model.__name__.lower())
        for model in (Category, Technology, Platform, Stage, TargetGroup, Actor)
    }
    source = make_source(
        title=f"Report {SHORT}",
        slug="report",
        publisher=SHORT,
        authors=SHORT,
        dateline=SHORT,
        summary=HOSTILE,
        url='https://example.org/"><script>alert(1)</script>',
        archive_url="https://example.org/' onmouseover='alert(1)",
    )
    tactic = make_tactic(
        f"Lure {SHORT}",
        slug="lure",
        summary=HOSTILE,
        description=HOSTILE + "\n\n" + "\n\n".join(PAYLOADS),
        category=terms[Category],
        technologies=[terms[Technology]],
        platforms=[terms[Platform]],
        stages=[terms[Stage]],
        target_groups=[terms[TargetGroup]],
    )
    Indicator.objects.create(tactic=tactic, text=HOSTILE)
    countermeasure = make_countermeasure(
        f"Answer {SHORT}",
        slug="answer",
        summary=HOSTILE,
        description="\n\n".join(PAYLOADS),
        counters=[tactic],
        actors=[terms[Actor]],
    )
    cite(tactic, source, HOSTILE, locator=SHORT)
    cite(countermeasure, source, HOSTILE)
    for entry in (tactic, countermeasure, source):
        record_version(entry, HOSTILE)
    make_tactic("Hidden draft", status=Status.DRAFT)
    return tactic, countermeasure, source


def hostile_urls(tactic, countermeasure, source) -> list[str]:
    query = "q=lure%20%3Cscript%3Ealert(1)%3C/script%3E"
    return [
        "/", "/tactics/", f"/tactics/?{query}", f"/tactics/?technology=%3Cscript%3E&{query}",
        tactic.get_absolute_url(), f"/tactics/{tactic.public_id}/changes/",
        f"/tactics/{tactic.public_id}/v1/", "/countermeasures/", countermeasure.get_absolute_url(),
        f"/countermeasures/{countermeasure.public_id}/v1/", "/sources/", source.get_absolute_url(),
        f"/sources/{source.public_id}/v1/", f"/search/?{query}",
        "/search/?q=%3Csvg/onload=alert(1)%3E",
        "/matrix/", "/matrix/?by=category", f"/handout/?ids={tactic.public_id},%3Cscript%3E",
        "/whats-new/", "/downloads/", "/api/tactics/", f"/api/tactics/{tactic.public_id}/",
        f"/api/search/?{query}",
    ]  # fmt: skip


def test_no_payload_executes_on_any_page(reader, hostile):
    for url in hostile_urls(*hostile):
        if url.startswith("/api/"):
            # JSON, even to a browser asking for a page: nothing in it can run.
            response = reader.get(url, HTTP_ACCEPT="text/html,*/*;q=0.8")
            assert response["Content-Type"] == "application/json", url
            assert response["X-Content-Type-Options"] == "nosniff", url
            continue
        response = reader.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, url
        assert "text/html" in response["Content-Type"], url
        assert executable_parts(response.text) == [], url
    search = reader.get("/search/?q=%3Cscript%3Ealert(1)%3C/script%3E").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in search  # the query, shown as text


def test_the_admin_shows_payloads_as_text(admin_client, hostile):
    tactic, countermeasure, source = hostile
    for url in (
        "/admin/kb/tactic/",
        f"/admin/kb/tactic/{tactic.pk}/change/",
        f"/admin/kb/tactic/{tactic.pk}/history/",
        f"/admin/kb/countermeasure/{countermeasure.pk}/change/",
        f"/admin/kb/source/{source.pk}/change/",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        # The admin's own forms carry the payloads as (escaped) field values. (The history
        # page of django-simple-history has a style attribute of its own: inert here, and
        # blocked by the Content Security Policy anyway.)
        assert executable_parts(response.text, allow_style=True) == [], url


def test_feeds_are_well_formed_and_carry_payloads_as_text(reader, hostile):
    tactic = hostile[0]
    for url in ("/feeds/tactics/", f"/feeds/tactics/{tactic.category.slug}/", "/sitemap.xml"):
        response = reader.get(url)
        assert response.status_code == 200, url
        root = ET.fromstring(response.content)  # escaped text, or this would not parse
        assert not [el for el in root.iter() if el.tag.rpartition("}")[2] == "script"], url


def test_api_and_downloads_are_data_never_html(reader, hostile):
    tactic = hostile[0]
    build_downloads()
    for url in (
        "/api/tactics/?format=json",
        f"/api/tactics/{tactic.public_id}/?format=json",
        "/downloads/kb.json",
        "/downloads/kb.stix.json",
    ):
        response = reader.get(url)
        assert response["Content-Type"].startswith("application/"), url
        assert "json" in response["Content-Type"], url
        assert response["X-Content-Type-Options"] == "nosniff", url
        kept = strings(json.loads(response.getvalue()))
        assert any(HOSTILE in text for text in kept), url  # kept, as data
    for name in ("tactics", "sources", "citations"):
        response = reader.get(f"/downloads/{name}.csv")
        assert response["Content-Type"].startswith("text/csv")
        assert response["Content-Disposition"].startswith("attachment")


def strings(data) -> list[str]:
    """Every string in a JSON document."""
    if isinstance(data, dict):
        return [s for value in data.values() for s in strings(value)]
    if isinstance(data, list):
        return [s for value in data for s in strings(value)]
    return [data] if isinstance(data, str) else []


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html;base64,PHN2Zz4="]
)
def test_a_source_link_is_only_ever_a_web_link(admin_client, link):
    # The database refuses it whatever path tries to store it (an import, a script)...
    with pytest.raises(IntegrityError), transaction.atomic():
        make_source(url=link)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_source(archive_url=link)
    # ...and the admin form says why.
    response = admin_client.post(
        "/admin/kb/source/add/", {"title": "Report", "slug": "report", "kind": "news", "url": link}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["url"]
    assert not Source.objects.exists()


def test_an_ftp_link_is_refused_with_a_message_that_says_why(admin_client):
    response = admin_client.post(
        "/admin/kb/source/add/",
        {"title": "Report", "slug": "report", "kind": "news", "url": "ftp://example.org/r.pdf"},
    )
    assert "Enter a web address (http or https)." in response.text
