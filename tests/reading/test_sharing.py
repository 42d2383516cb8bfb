"""The tactic list's handout link, the matrix, Atom feeds, sitemap.xml and robots.txt
(handouts themselves: test_handouts.py)."""

import xml.etree.ElementTree as ET

import pytest

from kb.models import Category, Stage, Status, Technology

from ..factories import make_countermeasure, make_source, make_tactic, make_term

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def unpublished():
    """One hidden entry of each kind and status, named so that any leak is easy to spot."""
    category = make_term(Category, "Hidden category")
    for status in (Status.DRAFT, Status.IN_REVIEW, Status.RETIRED):
        tactic = make_tactic(f"Leaked {status} tactic", status=status, category=category)
        make_countermeasure(f"Leaked {status} countermeasure", status=status, counters=[tactic])
        make_source(title=f"Leaked {status} source", status=status)
    return category


def test_tactic_list_offers_a_handout_of_its_results(reader):
    make_tactic("Alpha")
    make_tactic("Beta")
    text = reader.get("/tactics/?sort=id").text
    assert '/handout/?ids=TT-0001,TT-0002">Make a printable handout from these 2 tactics' in text
    one = reader.get("/tactics/?q=beta").text
    assert '/handout/?ids=TT-0002">Make a printable handout from this tactic<' in one


# --- matrix ------------------------------------------------------------------------------


def test_matrix_has_a_column_per_stage_with_its_tactics(reader, unpublished):
    recruitment, control = make_term(Stage, "Recruitment"), make_term(Stage, "Control")
    make_tactic("Fake jobs", stages=[recruitment])
    make_tactic("Tracking", stages=[recruitment, control])
    response = reader.get("/matrix/")
    columns = {c.term.name: [t.name for t in c.tactics] for c in response.context["columns"]}
    assert columns == {"Recruitment": ["Fake jobs", "Tracking"], "Control": ["Tracking"]}
    assert "Leaked" not in response.text


def test_matrix_by_category_and_filtered_by_technology(reader):
    gps = make_term(Technology, "GPS")
    control = make_term(Category, "Control")
    make_tactic("Tracking", category=control, technologies=[gps])
    make_tactic("Other", category=control)
    response = reader.get("/matrix/", {"by": "category", "technology": "gps"})
    columns = {c.term.name: [t.name for t in c.tactics] for c in response.context["columns"]}
    assert columns["Control"] == ["Tracking"]


def test_a_full_matrix_column_lists_its_first_tactics_and_links_to_all(reader, monkeypatch):
    monkeypatch.setattr("kb.reading.matrix.PER_COLUMN", 2)
    gps, recruitment = make_term(Technology, "GPS"), make_term(Stage, "Recruitment")
    for name in ("Delta", "Alpha", "Charlie", "Bravo"):
        make_tactic(name, stages=[recruitment], technologies=[gps])
    make_tactic("Echo", stages=[recruitment])  # filtered out below
    response = reader.get("/matrix/", {"technology": "gps"})
    (column,) = response.context["columns"]
    assert [t.name for t in column.tactics] == ["Alpha", "Bravo"]
    assert (column.count, column.more) == (4, 2)
    link = "/tactics/?technology=gps&amp;stage=recruitment"
    assert f'<a href="{link}">All 4 tactics in Recruitment</a> (2 more)' in response.text
    assert "Charlie" not in response.text
    listed = reader.get("/tactics/", {"technology": "gps", "stage": "recruitment"})
    assert listed.context["page_obj"].paginator.count == 4


def test_matrix_ignores_bad_input(reader):
    assert reader.get("/matrix/", {"by": "nonsense", "technology": "nope"}).status_code == 200


# --- feeds -------------------------------------------------------------------------------


def parse_feed(response) -> ET.Element:
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def test_feed_lists_published_tactics_newest_first(reader, unpublished):
    make_tactic("Older")
    make_tactic("Newer")
    feed = parse_feed(reader.get("/feeds/tactics/"))
    titles = [entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")]
    assert titles == ["Newer (TT-0005)", "Older (TT-0004)"]
    links = [entry.find(f"{ATOM}link").get("href") for entry in feed.iter(f"{ATOM}entry")]
    assert links[0].endswith("/tactics/TT-0005/newer/")


def test_category_feed_has_only_its_category(reader, unpublished):
    control = make_term(Category, "Control")
    make_tactic("Tracking", category=control)
    make_tactic("Elsewhere")
    feed = parse_feed(reader.get("/feeds/tactics/control/"))
    assert [e.find(f"{ATOM}title").text for e in feed.iter(f"{ATOM}entry")] == [
        "Tracking (TT-0004)"
    ]
    assert reader.get("/feeds/tactics/no-such-category/").status_code == 404
    assert (
        list(parse_feed(reader.get(f"/feeds/tactics/{unpublished.slug}/")).iter(f"{ATOM}entry"))
        == []
    )


def test_pages_announce_their_feeds(reader):
    tactic = make_tactic(category=make_term(Category, "Control"))
    text = reader.get(tactic.get_absolute_url()).text
    assert 'type="application/atom+xml"' in text and "/feeds/tactics/control/" in text


# --- sitemap and robots ------------------------------------------------------------------


def locations(reader, url: str) -> list[str]:
    return [loc.text for loc in ET.fromstring(reader.get(url).content).iter(f"{SITEMAP}loc")]


def sitemap_addresses(reader) -> list[str]:
    """Every address in every part the sitemap's index names."""
    parts = locations(reader, "/sitemap.xml")
    return [address for part in parts for address in locations(reader, part)]


def test_sitemap_lists_every_published_entry_and_nothing_else(reader, unpublished):
    entries = [
        make_tactic("Shown"),
        make_countermeasure("Shown too"),
        make_source(title="Shown source"),
    ]
    locations = sitemap_addresses(reader)
    for entry in entries:
        assert f"http://testserver{entry.get_absolute_url()}" in locations
    assert "http://testserver/matrix/" in locations
    assert "leaked" not in " ".join(locations)


def test_robots_txt_points_to_the_sitemap(reader):
    response = reader.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in response.text
    assert "Sitemap: http://testserver/sitemap.xml" in response.text


def test_the_sitemap_is_an_index_of_parts_of_bounded_size(reader, monkeypatch):
    # Each tactic is listed in four languages: 20 addresses, 8 a part.
    monkeypatch.setattr("kb.reading.sitemaps.EntrySitemap.limit", 8)
    tactics = [make_tactic(f"Tactic {n}") for n in range(5)]
    parts = locations(reader, "/sitemap.xml")
    tactic_parts = [part for part in parts if "sitemap-tactics.xml" in part]
    assert tactic_parts == [
        "http://testserver/sitemap-tactics.xml",
        "http://testserver/sitemap-tactics.xml?p=2",
        "http://testserver/sitemap-tactics.xml?p=3",
    ]
    listed = [address for part in tactic_parts for address in locations(reader, part)]
    assert all(len(locations(reader, part)) <= 8 for part in tactic_parts)
    assert sorted(listed) == sorted(
        f"http://testserver{prefix}{t.get_absolute_url()}"
        for t in tactics
        for prefix in ("", "/es", "/fr", "/ar")
    )
