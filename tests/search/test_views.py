"""Search as readers meet it: /search/, q inside every list, facet counts, hostile input,
and the promise that nothing unpublished ever shows."""

import pytest

from kb.models import Actor, Category, Stage, Status, Technology

from ..factories import cite, make_countermeasure, make_source, make_tactic, make_term
from ..queries import count_queries

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [getattr(e, "name", None) or e.title for e in response.context["entries"]]


def facet(response, name: str) -> dict[str, int]:
    found = next(f for f in response.context["facets"] if f.name == name)
    return {option.value: option.count for option in found.options}


# --- the site search ---------------------------------------------------------------------


def test_site_search_ranks_every_kind_together(reader):
    make_tactic("Lantern signals")
    make_countermeasure("Lantern patrols")
    make_source(title="A report on lanterns")
    make_tactic("Unrelated")
    response = reader.get("/search/?q=lantern")
    assert response.status_code == 200
    assert sorted(names(response)) == ["A report on lanterns", "Lantern patrols", "Lantern signals"]
    assert facet(response, "type") == {"tactic": 1, "countermeasure": 1, "source": 1}


def test_site_search_filters_by_type(reader):
    make_tactic("Lantern signals")
    make_countermeasure("Lantern patrols")
    response = reader.get("/search/?q=lantern&type=countermeasure")
    assert names(response) == ["Lantern patrols"]
    assert facet(response, "type")["tactic"] == 1  # what choosing it too would add


def test_results_show_highlighted_snippets(reader):
    make_tactic("Fake jobs", summary="Websites offer work that does not exist.")
    text = reader.get("/search/?q=websites").text
    assert "<mark>Websites</mark> offer work" in text


def test_empty_query_lists_everything_in_a_stable_order(reader):
    make_tactic("Beta")
    make_tactic("Alpha")
    assert names(reader.get("/search/")) == ["Alpha", "Beta"]


def test_a_correction_is_said_and_the_search_as_typed_is_offered(reader, terms):
    make_tactic("Sextortion")
    response = reader.get("/search/?q=sextorsion+lantern")
    assert names(response) == ["Sextortion"]  # relaxed: "lantern" is nowhere
    assert "Showing results for <strong>sextortion lantern</strong>" in response.text
    assert "No entry contains “lantern”" in response.text
    as_typed = reader.get("/search/?q=sextorsion+lantern&exact=1")
    assert names(as_typed) == [] and "Showing results" not in as_typed.text
    assert "No entry contains “lantern” or “sextorsion”" in as_typed.text
    response = reader.get("/tactics/?q=sextorsion&stage=grooming")
    assert names(response) == []
    assert "Showing results for <strong>sextortion</strong>" in response.text
    assert "exact=1" in response.text


def test_a_word_no_entry_contains_is_never_claimed_as_a_match(reader):
    make_tactic("Online recruitment", summary="Victims are looked for online.")
    response = reader.get("/search/?q=hotline")
    assert names(response) == []
    assert "No results for “hotline”" in response.text
    assert "No entry contains “hotline”" in response.text
    assert (
        "Showing results" not in response.text
        and "match" not in response.text.split('class="result-count"')[1].split("</p>")[0]
    )


def test_no_results_offers_to_remove_each_filter(reader, terms):
    make_tactic("Lantern", stages=[terms["stage"]])
    response = reader.get("/tactics/?q=lantern&technology=gps")
    assert "Nothing matches" in response.text
    assert 'href="?q=lantern"' in response.text  # the link that drops technology=gps


def test_relaxed_search_says_so(reader):
    make_tactic("Fake jobs")
    response = reader.get("/tactics/?q=fake+jobs+abroad")
    assert names(response) == ["Fake jobs"]
    assert "contain some of your words" in response.text
    assert "No entry contains “abroad”; these results contain your other words" in response.text


def test_a_description_is_ranked_by_how_much_of_it_an_entry_covers_and_where(reader):
    # The words all appear in one passing mention, but the right entry has two in its name.
    make_tactic(
        "Grooming through online games",
        summary="Traffickers befriend children in games.",
    )
    make_tactic(
        "Encrypted messaging",
        summary="Messages between accomplices.",
        description="A quote mentions an older player, a game online, a son and gifts.",
    )
    response = reader.get("/search/?q=an+older+player+in+an+online+game+keeps+sending+my+son+gifts")
    assert names(response)[0] == "Grooming through online games"
    assert "for your description, those that cover most of it first" in response.text


def test_red_flags_are_searched_and_shown_as_the_snippet(reader):
    tactic = make_tactic("Lantern", summary="Nothing about it here.")
    tactic.indicators.create(text="The person carries a wage slip in another name.")
    response = reader.get("/search/?q=wage+slip")
    assert names(response) == ["Lantern"]
    assert "carries a <mark>wage</mark> <mark>slip</mark> in another name" in response.text


def test_a_long_description_is_searched_for_its_first_part_and_says_so(reader):
    make_tactic("Fake job offers", summary="Jobs that do not exist.")
    description = "promised a job " + "and then something else happened " * 200
    assert len(description) > 5000
    response = reader.get("/search/", {"q": description})
    assert response.status_code == 200
    assert names(response) == ["Fake job offers"]
    assert "only its first part was searched" in response.text


@pytest.mark.parametrize("typed", ["TT-0001", "tt-1", "tt1", "TT 0001", " tt-0001 "])
def test_a_permanent_id_in_any_form_opens_the_entry(reader, typed):
    tactic = make_tactic("Lantern")
    for page in ("/search/", "/tactics/"):
        response = reader.get(page, {"q": typed})
        assert response.status_code == 302 and response["Location"] == tactic.get_absolute_url()


def test_an_id_opens_only_a_public_entry_of_the_lists_own_kind(reader):
    make_tactic("Lantern")
    make_tactic("Hidden", status=Status.DRAFT)
    countermeasure = make_countermeasure("Patrols")
    assert reader.get("/tactics/", {"q": countermeasure.public_id}).status_code == 200
    assert reader.get("/search/", {"q": countermeasure.public_id}).status_code == 302
    assert reader.get("/search/", {"q": "TT-0002"}).status_code == 200  # a draft


def test_no_results_offers_categories_and_the_matrix_and_no_filters_to_clear(reader):
    make_tactic("Lantern", category=make_term(Category, "Recruitment"))
    response = reader.get("/search/?q=zzqxv")
    assert "Nothing matches" in response.text
    assert 'href="/matrix/"' in response.text and "?category=recruitment" in response.text
    assert "Clear every filter" not in response.text


def test_query_of_only_common_words_says_so(reader):
    make_tactic("Anything")
    response = reader.get("/tactics/?q=the+and")
    assert "no words we can look for" in response.text


# --- q inside every list -------------------------------------------------------------------


def test_tactic_list_combines_search_with_filters_in_relevance_order(reader, terms):
    make_tactic("Lantern signals", stages=[terms["stage"]])
    make_tactic("Signals", summary="lantern", stages=[terms["stage"]])
    make_tactic("Lantern elsewhere")
    response = reader.get("/tactics/?q=lantern&stage=grooming")
    assert names(response) == ["Lantern signals", "Signals"]


def test_explicit_sort_overrides_relevance(reader):
    make_tactic("Zulu lantern")
    make_tactic("Alpha", summary="lantern")
    assert names(reader.get("/tactics/?q=lantern&sort=name")) == ["Alpha", "Zulu lantern"]


def test_countermeasure_and_source_lists_search_too(reader):
    make_countermeasure("Lantern patrols")
    make_countermeasure("Other")
    make_source(title="Lantern report")
    make_source(title="Other report")
    assert names(reader.get("/countermeasures/?q=lanterns")) == ["Lantern patrols"]
    assert names(reader.get("/sources/?q=lantern")) == ["Lantern report"]


# --- facet counts ------------------------------------------------------------------------


def test_facet_counts_follow_the_query_and_the_other_filters(reader):
    control, grooming = make_term(Stage, "Control"), make_term(Stage, "Grooming")
    gps, apps = make_term(Technology, "GPS"), make_term(Technology, "Apps")
    make_tactic("Lantern one", stages=[control], technologies=[gps])
    make_tactic("Lantern two", stages=[control, grooming], technologies=[apps])
    make_tactic("Lantern three", stages=[grooming], technologies=[gps])
    make_tactic("Other", stages=[control], technologies=[gps])

    response = reader.get("/tactics/?q=lantern&stage=control")
    assert names(response) == ["Lantern one", "Lantern two"]
    # Stage counts ignore the stage filter itself: what each choice would give.
    assert facet(response, "stage") == {"control": 2, "grooming": 2}
    # Other facets count within the current results.
    assert facet(response, "technology") == {"gps": 1, "apps": 1}


def test_actor_facet_counts_only_published_countermeasures(reader):
    ngos = make_term(Actor, "NGOs")
    tactic = make_tactic("Lantern")
    make_countermeasure(counters=[tactic], actors=[ngos])
    make_countermeasure(status=Status.DRAFT, counters=[make_tactic("Other")], actors=[ngos])
    assert facet(reader.get("/tactics/"), "actor") == {"ngos": 1}


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.RETIRED])
def test_unpublished_entries_are_in_no_count(reader, status):
    category = make_term(Category, "Control")
    make_tactic("Lantern hidden", status=status, category=category)
    make_countermeasure("Lantern hidden too", status=status)
    make_source(title="Lantern hidden source", status=status)
    for url in ("/tactics/?q=lantern", "/search/?q=lantern", "/tactics/"):
        response = reader.get(url)
        assert names(response) == []
        assert all(
            count == 0
            for f in response.context["facets"]
            for count in facet(response, f.name).values()
        )
        assert "Lantern hidden" not in response.text


def test_facet_query_count_is_fixed(reader):
    stage = make_term(Stage, "Control")
    make_tactic("Lantern", stages=[stage])
    few = count_queries(reader, "/tactics/?q=lantern&stage=control")
    for n in range(15):
        make_tactic(
            f"Lantern {n}", stages=[stage, make_term(Stage)], technologies=[make_term(Technology)]
        )
    assert count_queries(reader, "/tactics/?q=lantern&stage=control") == few


def test_search_page_query_count_is_fixed(reader):
    make_tactic("Lantern")
    few = count_queries(reader, "/search/?q=lanter")
    for n in range(15):
        cite(make_tactic(f"Lantern {n}"), make_source(title=f"Lantern source {n}"))
    assert count_queries(reader, "/search/?q=lanter") == few


# --- hostile input -----------------------------------------------------------------------

HOSTILE_QUERIES = [
    '"',
    '"unclosed phrase',
    "-",
    "or",
    "OR OR AND NOT",
    "NEAR(a b)",
    "a*",
    "^start",
    "col:value",
    "'; DROP TABLE kb_tactic; --",
    "' OR 1=1 --",
    "!!(()&|<->",
    "\x00\x01\x1f",
    "🙂🔥 emoji",
    "ناشط حقوق",
    "x" * 10_000,
    "lantern " * 2_000,
    "%",
    "\\",
    "<script>alert(1)</script>",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=range(len(HOSTILE_QUERIES)))
@pytest.mark.parametrize(
    "path",
    ["/search/", "/tactics/", "/countermeasures/", "/sources/", "/api/search/", "/api/tactics/"],
)
def test_hostile_queries_never_break_anything(reader, path, query):
    make_tactic("Lantern")
    response = reader.get(path, {"q": query})
    assert response.status_code in (200, 400)
    if path.startswith("/api/"):
        assert response["Content-Type"].startswith("application/json")
    else:
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.text


def test_control_characters_in_a_query_are_dropped_not_rejected(reader):
    make_tactic("Lantern")
    assert names(reader.get("/tactics/", {"q": "lan\x00tern\x1b"})) == ["Lantern"]
    assert reader.get("/api/tactics/", {"q": "lantern\x00"}).json()["count"] == 1
