"""The tactic list and tactic pages, as readers, trainers and staff meet them."""

import re

import pytest

from kb.models import Status

from ..factories import cite, make_countermeasure, make_source, make_tactic
from ..queries import count_queries

pytestmark = pytest.mark.django_db


def listed_ids(response) -> list[str]:
    return [t.public_id for t in response.context["entries"]]


# --- visibility --------------------------------------------------------------------------


def test_published_tactic_is_listed(reader):
    tactic = make_tactic("Encrypted messaging")
    response = reader.get("/tactics/")
    assert response.status_code == 200
    assert listed_ids(response) == [tactic.public_id]
    assert "Encrypted messaging" in response.text


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.RETIRED])
def test_unpublished_tactic_is_not_listed(reader, status):
    make_tactic("Hidden entry", status=status)
    response = reader.get("/tactics/")
    assert listed_ids(response) == []
    assert "Hidden entry" not in response.text


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW])
def test_unpublished_tactic_page_is_not_found_even_by_id(reader, status):
    tactic = make_tactic("Secret draft", status=status)
    for url in (tactic.get_absolute_url(), f"/tactics/{tactic.public_id}/"):
        response = reader.get(url, follow=True)
        assert response.status_code == 404
        assert "Secret draft" not in response.text


def test_editors_can_preview_a_draft_with_a_banner(contributor):
    tactic = make_tactic("Work in progress", status=Status.DRAFT)
    response = contributor.get(tactic.get_absolute_url())
    assert response.status_code == 200
    assert "Preview: draft" in response.text
    assert '<meta name="robots" content="noindex">' in response.text


def test_staff_without_permission_to_view_tactics_cannot_preview_one(staff_client):
    """The admin refuses them (403); the public address must not show the draft either."""
    tactic = make_tactic("Work in progress", status=Status.DRAFT)
    assert staff_client.get(f"/admin/kb/tactic/{tactic.pk}/change/").status_code == 403
    response = staff_client.get(tactic.get_absolute_url())
    assert response.status_code == 404 and "Work in progress" not in response.text


def test_retired_tactic_keeps_its_page_and_points_to_its_replacement(reader):
    replacement = make_tactic("Better entry")
    retired = make_tactic("Old entry", status=Status.RETIRED, replaced_by=replacement)
    response = reader.get(retired.get_absolute_url())
    assert response.status_code == 200
    assert "This entry is retired" in response.text
    assert replacement.get_absolute_url() in response.text
    assert '<meta name="robots" content="noindex">' in response.text


def test_retired_tactic_does_not_point_to_an_unpublished_replacement(reader):
    draft = make_tactic("Unfinished replacement", status=Status.DRAFT)
    retired = make_tactic("Old entry", status=Status.RETIRED, replaced_by=draft)
    response = reader.get(retired.get_absolute_url())
    assert "This entry is retired" in response.text
    assert "Unfinished replacement" not in response.text


def test_page_shows_only_published_countermeasures_related_tactics_and_sources(reader):
    tactic = make_tactic("Main")
    make_countermeasure("Public response", counters=[tactic])
    make_countermeasure("Draft response", status=Status.DRAFT, counters=[tactic])
    tactic.related_tactics.set(
        [make_tactic("Public neighbour"), make_tactic("Draft neighbour", status=Status.DRAFT)]
    )
    cite(tactic, make_source(title="Public source"), "Public quote")
    cite(tactic, make_source(title="Draft source", status=Status.DRAFT), "Draft quote")
    text = reader.get(tactic.get_absolute_url()).text
    for shown in ("Public response", "Public neighbour", "Public source", "Public quote"):
        assert shown in text
    for hidden in ("Draft response", "Draft neighbour", "Draft source", "Draft quote"):
        assert hidden not in text


# --- addresses ---------------------------------------------------------------------------


def test_tactic_page_has_every_section_with_an_anchor(reader):
    tactic = make_tactic(description="More *detail*.")
    text = reader.get(tactic.get_absolute_url()).text
    for anchor in (
        "summary",
        "description",
        "indicators",
        "countermeasures",
        "related",
        "references",
    ):
        assert f'id="{anchor}"' in text
        assert f'href="#{anchor}"' in text


@pytest.mark.parametrize("suffix", ["", "old-slug/", "{slug}x/"])
def test_other_slugs_redirect_permanently_to_the_canonical_url(reader, suffix):
    tactic = make_tactic("Fake job offers", slug="fake-job-offers")
    response = reader.get(f"/tactics/{tactic.public_id}/{suffix.format(slug=tactic.slug)}")
    assert response.status_code == 301
    assert response["Location"] == "/tactics/TT-0001/fake-job-offers/"


def test_lowercase_or_unpadded_id_redirects_to_the_canonical_url(reader):
    make_tactic("Sextortion", slug="sextortion")
    for url in ("/tactics/tt-0001/", "/tactics/TT-1/sextortion/"):
        response = reader.get(url)
        assert response.status_code == 301
        assert response["Location"] == "/tactics/TT-0001/sextortion/"


def test_renamed_tactic_keeps_working_at_its_old_address(reader):
    tactic = make_tactic("First name", slug="first-name")
    old_url = tactic.get_absolute_url()
    tactic.name, tactic.slug = "Second name", "second-name"
    tactic.save()
    response = reader.get(old_url, follow=True)
    assert response.redirect_chain == [("/tactics/TT-0001/second-name/", 301)]
    assert "Second name" in response.text


def test_a_drafts_slug_cannot_take_over_a_published_entrys_old_address(reader):
    published = make_tactic("Old name", slug="old-name")
    published.name, published.slug = "New name", "new-name"
    published.save()
    make_tactic("Someone's draft", slug="old-name", status=Status.DRAFT)
    response = reader.get("/tactics/old-name/")
    assert response.status_code == 301 and response["Location"] == published.get_absolute_url()


def test_a_slug_an_entry_had_only_as_a_draft_is_not_confirmed_to_readers(reader, contributor):
    tactic = make_tactic("Working title", slug="working-title", status=Status.DRAFT)
    tactic.name, tactic.slug, tactic.status = "Final name", "final-name", Status.PUBLISHED
    tactic.save()
    assert reader.get("/tactics/working-title/").status_code == 404
    assert contributor.get("/tactics/working-title/")["Location"] == tactic.get_absolute_url()


@pytest.mark.parametrize(
    "url", ["/tactics/TT-9999/", "/tactics/CM-0001/", "/tactics/TT-0001/", "/no-such-page/"]
)
def test_unknown_addresses_get_a_clear_404_page(reader, url):
    response = reader.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.text


# --- filters -----------------------------------------------------------------------------


@pytest.fixture
def catalogue(terms):
    """Three published tactics spread over the vocabularies."""
    gps = make_tactic(
        "GPS tracking",
        category=terms["other_category"],
        technologies=[terms["technology"]],
        stages=[terms["stage"]],
    )
    dating = make_tactic(
        "Dating app grooming",
        category=terms["category"],
        platforms=[terms["platform"]],
        stages=[terms["stage"]],
        target_groups=[terms["group"]],
    )
    fake_jobs = make_tactic("Fake jobs", category=terms["category"])
    make_countermeasure("Awareness", counters=[fake_jobs], actors=[terms["actor"]])
    make_countermeasure("Draft only", status=Status.DRAFT, counters=[gps], actors=[terms["actor"]])
    return {"gps": gps, "dating": dating, "fake_jobs": fake_jobs}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=recruitment", ["dating", "fake_jobs"]),
        ("technology=gps", ["gps"]),
        ("platform=dating-apps", ["dating"]),
        ("stage=grooming", ["dating", "gps"]),
        ("group=teenage-boys", ["dating"]),
        ("actor=ngos", ["fake_jobs"]),
        ("q=tracking", ["gps"]),
        ("q=GPS%20TRACK", ["gps"]),
        ("q=summary%20dating", ["dating"]),
    ],
)
def test_each_filter_narrows_the_list(reader, catalogue, query, expected):
    response = reader.get(f"/tactics/?{query}")
    assert sorted(listed_ids(response)) == sorted(catalogue[k].public_id for k in expected)


def test_filters_combine(reader, catalogue):
    response = reader.get("/tactics/?stage=grooming&category=recruitment")
    assert listed_ids(response) == [catalogue["dating"].public_id]
    response = reader.get("/tactics/?stage=grooming&category=recruitment&q=gps")
    assert listed_ids(response) == []
    assert "Nothing matches" in response.text


def test_several_values_of_one_filter_widen_the_list(reader, catalogue):
    response = reader.get("/tactics/?category=recruitment&category=control")
    assert len(listed_ids(response)) == 3


def test_filter_form_keeps_its_state(reader, catalogue):
    text = reader.get("/tactics/?stage=grooming&q=gps").text
    assert re.search(r'name="stage" value="grooming"[^>]*checked', text)
    assert len(re.findall(r'name="stage" value="[^"]*"[^>]*checked', text)) == 1
    assert 'value="gps"' in text


def test_each_filter_in_use_is_shown_with_a_link_that_removes_it(reader, catalogue):
    text = reader.get("/tactics/?stage=grooming&category=recruitment&page=1").text
    in_use = text[text.index('<ul class="active-filters"') :].split("</ul>")[0]
    chips = re.findall(r'<a href="([^"]+)"><span class="visually-hidden">Remove the filter </span>'
                       r"([^<]+) <", in_use)  # fmt: skip
    # Each link keeps the other filter and drops the page number.
    assert chips == [("?stage=grooming", "Category: Recruitment"),
                     ("?category=recruitment", "Stage: Grooming")]  # fmt: skip
    assert '<ul class="active-filters"' not in reader.get("/tactics/").text


@pytest.mark.parametrize(
    "query",
    [
        "technology=no-such-term",
        "sort=sideways",
        "page=abc",
        "page=99999",
        "page=-1",
        "category=%00",
        "stage=grooming&stage=nope",
    ],
)
def test_malformed_filter_values_never_break_the_list(reader, catalogue, query):
    response = reader.get(f"/tactics/?{query}")
    assert response.status_code == 200
    assert len(listed_ids(response)) >= 1


def test_malformed_filter_value_gets_a_clear_message(reader, catalogue):
    text = reader.get("/tactics/?technology=no-such-term").text
    assert "were not understood and were ignored" in text
    assert "no-such-term" in text


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("name", ["dating", "fake_jobs", "gps"]), ("id", ["gps", "dating", "fake_jobs"])],
)
def test_list_sorts(reader, catalogue, sort, expected):
    response = reader.get(f"/tactics/?sort={sort}")
    assert listed_ids(response) == [catalogue[k].public_id for k in expected]


def test_id_sort_orders_numbers_not_text(reader):
    from kb.models import PublicIdCounter, Tactic

    make_tactic("Nine")
    PublicIdCounter.objects.filter(prefix="TT").update(last_number=9999)
    make_tactic("Ten thousand")
    Tactic.objects.filter(name_en="Nine").update(public_id="TT-0009")
    response = reader.get("/tactics/?sort=id")
    assert listed_ids(response) == ["TT-0009", "TT-10000"]


def test_list_pages_and_keeps_filters_in_page_links(reader, terms, settings):
    settings.KB_PAGE_SIZE = 2
    for n in range(5):
        make_tactic(f"Tactic {n}", stages=[terms["stage"]])
    response = reader.get("/tactics/?stage=grooming&page=2")
    assert len(listed_ids(response)) == 2
    assert "Page 2 of 3" in response.text
    assert 'href="?stage=grooming&amp;page=3"' in response.text


# --- queries -----------------------------------------------------------------------------


def test_tactic_page_query_count_does_not_grow_with_its_relations(reader, terms):
    small = make_tactic("Small")
    cite(small, make_source())
    make_countermeasure(counters=[small], actors=[terms["actor"]])
    big = make_tactic("Big", technologies=[terms["technology"]], stages=[terms["stage"]])
    for n in range(8):
        cite(big, make_source(), f"Quote {n}")
        make_countermeasure(counters=[big], actors=[terms["actor"]])
        big.related_tactics.add(make_tactic())
        big.indicators.create(text=f"Sign {n}")
    assert count_queries(reader, small.get_absolute_url()) == count_queries(
        reader, big.get_absolute_url()
    )


def test_script_in_a_description_never_reaches_the_page(reader):
    tactic = make_tactic(
        description='Text <script>alert("x")</script> [link](javascript:alert(1)) '
        '<b onclick="x">b</b>'
    )
    text = reader.get(tactic.get_absolute_url()).text
    assert "<script>alert" not in text
    assert "javascript:" not in text
    assert "onclick" not in text


# --- what readers can do: countermeasures by who can act ------------------------------------


def test_countermeasures_are_grouped_by_who_can_act_what_people_can_do_first(reader):
    from kb.models import Actor, ActorGroup

    tactic = make_tactic()
    ngos = Actor.objects.create(name="NGOs", slug="ngos", group=ActorGroup.PEOPLE)
    police = Actor.objects.create(name="Police", slug="police", group=ActorGroup.LAW_ENFORCEMENT)
    make_countermeasure("Police monitoring", counters=[tactic], actors=[police])
    make_countermeasure("Warning families", counters=[tactic], actors=[ngos])
    text = reader.get(tactic.get_absolute_url()).text
    people = text.index('id="countermeasures-people"')
    companies = text.index('id="countermeasures-companies"')
    law = text.index('id="countermeasures-law-enforcement"')
    assert (
        people < text.index("Warning families") < companies < law < text.index("Police monitoring")
    )


def test_a_group_with_nothing_recorded_says_so_and_points_to_the_suggestion_form(reader):
    from kb.models import Actor, ActorGroup

    tactic = make_tactic()
    police = Actor.objects.create(name="Police", slug="police", group=ActorGroup.LAW_ENFORCEMENT)
    make_countermeasure("Police monitoring", counters=[tactic], actors=[police])
    text = reader.get(tactic.get_absolute_url()).text
    assert "Nothing that NGO staff, families or individuals can do" in text
    assert "Nothing that platforms or financial institutions do" in text
    assert "Nothing that law enforcement does" not in text
    assert text.count(f'href="/suggest/?about={tactic.public_id}"') >= 3


def test_the_groups_are_in_the_readers_language_structure(reader):
    tactic = make_tactic()
    url = tactic.get_absolute_url()
    text = reader.get(f"/ar{url}").text
    assert (
        'id="countermeasures-people"' in text
        and f'href="/ar/suggest/?about={tactic.public_id}"' in text
    )
