"""Lean pages: everything a page loads comes from this site, and stays small."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from ..factories import cite, make_countermeasure, make_source, make_tactic

pytestmark = pytest.mark.django_db

# What a browser fetches by itself (a canonical or alternate link is not fetched).
LOADED = re.compile(
    r'<(?:link\b[^>]*\brel="(?:stylesheet|icon|preload|modulepreload|manifest)"[^>]*?href'
    r'|(?:script|img|iframe|source|video|audio|embed)\b[^>]*?src)="([^"]*)"'
)
STYLESHEET_BUDGET, SCRIPT_BUDGET = 24_000, 6_000  # bytes, uncompressed


def public_pages() -> list[str]:
    tactic = make_tactic("Lantern")
    countermeasure = make_countermeasure("Beacon", counters=[tactic])
    source = make_source()
    cite(tactic, source, "A quote")
    return [
        "/", "/tactics/", "/tactics/?q=lantern", tactic.get_absolute_url(), "/countermeasures/",
        countermeasure.get_absolute_url(), "/sources/", source.get_absolute_url(),
        "/search/?q=lantern", "/matrix/", f"/handout/?ids={tactic.public_id}", "/whats-new/",
        "/downloads/", "/nowhere/",
    ]  # fmt: skip


def test_pages_load_nothing_from_other_sites(reader):
    for url in public_pages():
        page = reader.get(url).text
        loaded = LOADED.findall(page)
        assert loaded, url
        foreign = [link for link in loaded if re.match(r"^(https?:)?//", link)]
        assert foreign == [], f"{url} loads {foreign}"


def test_the_stylesheet_and_script_are_small():
    assert Path(finders.find("kb/site.css")).stat().st_size < STYLESHEET_BUDGET
    assert Path(finders.find("kb/site.js")).stat().st_size < SCRIPT_BUDGET
