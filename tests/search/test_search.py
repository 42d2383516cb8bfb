"""kb.search: the query syntax, synonyms, spelling, ranking and highlighting, on whichever
database the suite runs on."""

import pytest

from kb.models import Status, SynonymGroup, Tactic
from kb.search import Search, SearchOutcome, highlight
from kb.search.backends.postgresql import to_tsquery_text
from kb.search.backends.sqlite import to_match_text
from kb.search.query import Clause, Query, Term, parse
from kb.search.spelling import best_corrections, edit_distance
from kb.search.synonyms import SynonymList, Thesaurus

from ..factories import cite, make_source, make_tactic

# --- syntax ------------------------------------------------------------------------------


def terms(query: Query) -> list[list[str]]:
    return [[str(t) for t in clause.terms] for clause in query.clauses]


def test_words_must_all_match():
    assert terms(parse("Fake JOB offer")) == [["fake"], ["job"], ["offer"]]


def test_quoted_phrase_is_one_term():
    assert terms(parse('"fake job" offer')) == [['"fake job"'], ["offer"]]


def test_or_joins_neighbours_into_alternatives():
    assert terms(parse("bitcoin OR crypto gps")) == [["bitcoin", "crypto"], ["gps"]]


def test_minus_excludes_words_and_phrases():
    query = parse('grooming -gaming -"dating app"')
    assert terms(query) == [["grooming"]]
    assert [str(t) for t in query.excluded] == ["gaming", '"dating app"']


def test_common_words_are_skipped_outside_phrases():
    assert terms(parse("tracking her phone")) == [["tracking"], ["phone"]]
    assert terms(parse('"her phone"')) == [['"her phone"']]


def test_accents_and_case_are_folded():
    assert terms(parse("Résumé")) == [["resume"]]


@pytest.mark.parametrize(
    "text", ['"', "-", "or", "OR OR", '"unclosed phrase', '-"', "--", "!!!", "🙂", "\x00\x07", ""]
)
def test_broken_syntax_never_raises(text):
    parse(text)


def test_unclosed_quote_runs_to_the_end():
    assert terms(parse('"fake job')) == [['"fake job"']]


def test_hyphenated_word_is_a_phrase():
    assert terms(parse("end-to-end")) == [['"end to end"']]


def test_symbols_cannot_reach_the_engines():
    query = parse("a\"b OR c* ^d NEAR(e) (f) {g} \\h 'i' ;DROP TABLE")
    for text in (to_tsquery_text(query, relaxed=False), to_match_text(query, relaxed=False)):
        for symbol in ("*", "^", "{", "\\", ";", "NEAR("):
            assert symbol not in text


def test_engine_translations():
    query = Query(
        (Clause((Term(("fake", "job")), Term(("scam",)))), Clause((Term(("offer",)),))),
        (Term(("gaming",)),),
    )
    assert to_match_text(query, relaxed=False) == (
        '(("fake job" OR "scam") AND ("offer")) NOT ("gaming")'
    )
    assert to_tsquery_text(query, relaxed=True) == (
        "((('fake' <-> 'job') | ('scam')) | (('offer'))) & !(('gaming'))"
    )


# --- synonyms ----------------------------------------------------------------------------

SYNONYMS = SynonymList.parse(
    ["bitcoin, crypto, virtual currency", "vpn, proxy, hide ip", "ad, ads => advert"]
)


def test_a_synonym_finds_its_group():
    query = Thesaurus(SYNONYMS).expand(parse("bitcoins"))
    assert terms(query) == [["bitcoins", "bitcoin", "crypto", '"virtual currency"']]


def test_words_that_form_a_synonym_phrase_are_merged():
    query = Thesaurus(SYNONYMS).expand(parse("hide IP address"))
    assert terms(query) == [['"hide ip"', "vpn", "proxy"], ["address"]]


def test_replacement_searches_the_targets_instead():
    assert terms(Thesaurus(SYNONYMS).expand(parse("ads"))) == [["advert"]]


def test_repository_synonym_file_parses():
    from kb.search.synonyms import repository_synonyms

    synonyms = repository_synonyms()
    assert len(synonyms.groups) >= 10
    assert any(("bitcoin",) in group for group in synonyms.groups)


@pytest.mark.django_db
def test_admins_extend_synonyms_without_code(reader):
    make_tactic("Virtual currency payments")
    assert reader.get("/tactics/?q=monero").context["entries"] == []
    SynonymGroup.objects.create(terms="monero, virtual currency")
    assert [t.name for t in reader.get("/tactics/?q=monero").context["entries"]] == [
        "Virtual currency payments"
    ]


# --- spelling ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("encyrption", "encryption", 1), ("sextorsion", "sextortion", 1), ("gps", "gps", 0),
     ("trafficers", "traffickers", 1), ("abc", "xyz", 3)],
)  # fmt: skip
def test_edit_distance_counts_transpositions_once(a, b, distance):
    assert edit_distance(a, b, limit=5) == distance


def test_corrections_prefer_the_closest_then_the_most_common():
    candidates = [("encryption", 3), ("encrypted", 9), ("inscription", 50)]
    assert best_corrections("encyrption", candidates) == ["encryption"]
    assert best_corrections("gpx", [("gps", 1)]) == []  # too short to correct


def test_a_correction_keeps_the_first_letter():
    assert best_corrections("hotline", [("online", 40)]) == []
    assert best_corrections("fone", [("one", 40), ("fine", 2)]) == ["fine"]


@pytest.mark.django_db
def test_misspelt_word_is_corrected_from_the_knowledge_bases_own_words():
    make_tactic("Sextortion")
    prepared = Search.prepare("sextorsion")
    assert prepared.corrections == {"sextorsion": "sextortion"}
    assert prepared.corrected_text == "sextortion"
    assert "sextortion" in [str(t) for t in prepared.query.clauses[0].terms]
    assert Search.prepare("sextorsion", correct=False).corrections == {}


@pytest.mark.django_db
def test_a_word_english_has_is_the_readers_word_and_never_corrected():
    make_tactic("Online recruitment", summary="People are looked for online.")
    for text in ("hotline", "took", "booking"):
        search = Search.prepare(text)
        assert search.corrections == {} and search.unmatched == (text,)


@pytest.mark.django_db
def test_a_correction_changes_that_word_and_keeps_the_rest_as_typed():
    make_tactic("Tracking victims", summary="Their phones are tracked.")
    search = Search.prepare("someone trackng my documents")
    assert search.corrected_text == "someone tracking my documents"
    assert search.unmatched == ("documents", "someone")


@pytest.mark.django_db
def test_a_word_found_in_another_form_is_not_corrected():
    make_tactic("Encrypted messaging")
    assert Search.prepare("encrypting").corrections == {}


# --- ranking and matching ----------------------------------------------------------------


def ranked(text: str, queryset=None) -> list[str]:
    results = (queryset or Tactic.objects.published()).search(text)
    return [t.name for t in results.order_by("-search_rank", "name_en")]


@pytest.mark.django_db
def test_name_outranks_summary_outranks_description():
    make_tactic("Alpha", summary="Nothing here.", description="Mentions lantern once.")
    make_tactic("Beta", summary="The lantern trick.", description="Nothing.")
    make_tactic("Lantern signals", summary="Nothing here.", description="Nothing.")
    assert ranked("lantern") == ["Lantern signals", "Beta", "Alpha"]


@pytest.mark.django_db
def test_indicators_and_quotes_are_searched():
    tactic = make_tactic("Gamma")
    tactic.indicators.create(text="The phone shares its location with a stranger.")
    cite(make_tactic("Delta"), make_source(), "They cast a much wider net")
    assert ranked("stranger") == ["Gamma"]
    assert ranked('"much wider net"') == ["Delta"]


@pytest.mark.django_db
def test_stemming_matches_word_forms():
    make_tactic("Recruitment online", summary="Traffickers recruit victims.")
    assert ranked("recruiting") == ["Recruitment online"]


@pytest.mark.django_db
def test_accents_do_not_matter():
    make_tactic("Fake résumé services")
    assert ranked("resume") == ["Fake résumé services"]


@pytest.mark.django_db
def test_phrase_needs_its_words_adjacent_and_in_order():
    make_tactic("Adjacent", summary="A fake job offer abroad.")
    make_tactic("Apart", summary="The job came with a fake offer.")
    make_tactic("Reversed", summary="An offer for a job.")
    assert ranked('"job offer"') == ["Adjacent"]
    assert ranked('"fake job offer"') == ["Adjacent"]
    assert ranked('"job offers"') == ["Adjacent"]  # stems, as words do


@pytest.mark.django_db
def test_phrase_with_common_words_inside_still_matches():
    # "out of the" leaves no adjacent pair of words to narrow by; the exact match decides.
    make_tactic("Gap", summary="Victims are moved out of the country.")
    make_tactic("Elsewhere", summary="The country moved them out.")
    assert ranked('"moved out of the country"') == ["Gap"]


@pytest.mark.django_db
def test_phrases_and_words_mix_in_alternatives_and_relaxed_search():
    make_tactic("Phrase", summary="A fake job offer.")
    make_tactic("Word", summary="Bitcoin payments.")
    make_tactic("Neither", summary="A job and an offer.")
    assert ranked('"job offer" or bitcoin') == ["Phrase", "Word"]
    assert ranked('"job offer" or "bitcoin payments"') == ["Phrase", "Word"]
    # No entry has both phrases: relaxed, either will do.
    assert sorted(ranked('"job offer" "bitcoin payments"')) == ["Phrase", "Word"]
    assert sorted(ranked('"job offer" "bitcoin payments" lantern')) == ["Phrase", "Word"]
    assert ranked('"job offer" -"fake job"') == []


@pytest.mark.django_db
def test_search_relaxes_when_no_entry_has_every_word():
    make_tactic("Fake jobs")
    search = Search.prepare("fake jobs abroad")
    assert not search.every_word(Tactic.objects.published())
    assert [t.name for t in Tactic.objects.published().search(search)] == ["Fake jobs"]


@pytest.mark.django_db
def test_excluded_word_removes_entries():
    make_tactic("Grooming on gaming platforms")
    make_tactic("Grooming on social media")
    assert ranked("grooming -gaming") == ["Grooming on social media"]


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.RETIRED])
def test_unpublished_entries_are_never_found(status):
    make_tactic("Hidden lantern", status=status)
    assert ranked("lantern", Tactic.objects.all()) == []


# --- highlighting ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_match_in_the_summary_shows_the_summary_and_a_match_elsewhere_an_excerpt():
    in_summary = make_tactic(
        "Alpha", summary="A lantern in the summary.", description="The lantern again below."
    )
    elsewhere = make_tactic(
        "Beta", summary="Nothing to see here.", description="Only this text has a lantern."
    )
    rows = list(Tactic.objects.published().search("lantern"))
    highlight(rows, SearchOutcome(Search.prepare("lantern")))
    snippets = {row.pk: str(row.highlight.snippet) for row in rows}
    assert snippets[in_summary.pk] == "A <mark>lantern</mark> in the summary."
    assert "this text has a <mark>lantern</mark>" in snippets[elsewhere.pk]


@pytest.mark.django_db
def test_highlight_marks_matches_and_escapes_everything_else():
    tactic = make_tactic('<script>alert("x")</script> lantern', summary="A <b>lantern</b> & co.")
    rows = list(Tactic.objects.published().search("lantern"))
    highlight(rows, SearchOutcome(Search.prepare("lantern")))
    assert rows[0].pk == tactic.pk
    title, snippet = str(rows[0].highlight.title), str(rows[0].highlight.snippet)
    assert "<mark>lantern</mark>" in title and "<script>" not in title
    assert "&lt;script&gt;" in title
    assert "<b>" not in snippet and "&amp;" in snippet
