"""The API in every language: ``?lang=`` or ``Accept-Language`` chooses, every entry says
which language each of its fields is in, quotes stay verbatim with their translation
beside them, and no unpublished translation is ever given."""

import pytest

from kb.curation.workflow import propose_revision
from kb.models import Category, Status, Technology

from ..factories import cite, make_countermeasure, make_source, make_tactic, make_term

pytestmark = pytest.mark.django_db


@pytest.fixture
def lantern():
    """A tactic translated into Spanish (all but its description) and Arabic (name and
    summary), not into French; its terms in Spanish; a quote translated into Spanish."""
    category = make_term(Category, "Control")
    category.name_es = "Control (es)"
    category.save()
    technology = make_term(Technology, "GPS")
    technology.name_es, technology.description_es = "GPS (es)", "Localización."
    technology.save()
    tactic = make_tactic(
        "Lantern signals",
        summary="Signals with a lantern.",
        description="The long English description.",
        name_es="Señales con linterna",
        summary_es="Señales hechas con una linterna.",
        name_ar="إشارات الفانوس",
        summary_ar="إشارات بالفانوس.",
        category=category,
        technologies=[technology],
    )
    tactic.indicators.create(text="A lantern at night", text_es="Una linterna de noche")
    source = make_source(title="The report")
    cite(tactic, source, "They waved a lantern.", locator="p. 2", translation_es="Agitaban…")
    return tactic


def test_lang_chooses_the_language_and_each_field_says_which_it_is_in(reader, lantern):
    response = reader.get(f"/api/tactics/{lantern.public_id}/", {"lang": "es"})
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    assert "Accept-Language" in response["Vary"]
    data = response.json()
    assert data["name"] == "Señales con linterna"
    assert data["summary"] == "Señales hechas con una linterna."
    assert data["description"] == "The long English description."  # not translated yet
    assert data["language"] == "es"
    assert data["languages"] == {"name": "es", "summary": "es", "description": "en"}
    assert data["indicators"] == ["Una linterna de noche"]
    # Links lead to the pages in the same language.
    assert data["url"] == "http://testserver/es/tactics/TT-0001/lantern-signals/"
    assert data["category"]["url"] == "http://testserver/es/tactics/?category=control"


def test_vocabulary_names_are_in_the_language_asked_for(reader, lantern):
    data = reader.get(f"/api/tactics/{lantern.public_id}/", {"lang": "es"}).json()
    assert data["category"]["name"] == "Control (es)"
    assert data["technologies"][0]["name"] == "GPS (es)"
    terms = reader.get("/api/technologies/", {"lang": "es"})
    assert terms["Content-Language"] == "es"
    assert [(t["name"], t["description"]) for t in terms.json()["results"]] == [
        ("GPS (es)", "Localización.")
    ]
    # A term without a Spanish name is given in English.
    make_term(Technology, "Drones")
    names = [t["name"] for t in reader.get("/api/technologies/", {"lang": "es"}).json()["results"]]
    assert sorted(names) == ["Drones", "GPS (es)"]


def test_quotes_stay_verbatim_with_their_translation_beside_them(reader, lantern):
    path = f"/api/tactics/{lantern.public_id}/"
    spanish = reader.get(path, {"lang": "es"}).json()["references"][0]["quotes"][0]
    assert spanish == {
        "quote": "They waved a lantern.",
        "translation": "Agitaban…",
        "locator": "p. 2",
    }
    french = reader.get(path, {"lang": "fr"}).json()["references"][0]["quotes"][0]
    assert french["quote"] == "They waved a lantern." and french["translation"] is None
    english = reader.get(path).json()["references"][0]["quotes"][0]
    assert english["translation"] is None  # never another language's translation
    source = lantern.citations.get().source
    cited = reader.get(f"/api/sources/{source.public_id}/", {"lang": "es"}).json()["cited_by"]
    assert cited[0]["quote"] == "They waved a lantern." and cited[0]["translation"] == "Agitaban…"
    assert cited[0]["entry"]["name"] == "Señales con linterna"


def test_an_untranslated_language_falls_back_to_english_and_says_so(reader, lantern):
    data = reader.get(f"/api/tactics/{lantern.public_id}/", {"lang": "fr"}).json()
    assert data["name"] == "Lantern signals" and data["language"] == "fr"
    assert data["languages"] == {"name": "en", "summary": "en", "description": "en"}


def test_list_rows_say_their_languages_too(reader, lantern):
    make_tactic("Beacon")  # no translation
    response = reader.get("/api/tactics/", {"lang": "ar"})
    assert response["Content-Language"] == "ar"
    rows = {row["id"]: row for row in response.json()["results"]}
    assert rows[lantern.public_id]["name"] == "إشارات الفانوس"
    assert rows[lantern.public_id]["languages"] == {"name": "ar", "summary": "ar"}
    assert rows["TT-0002"]["languages"] == {"name": "en", "summary": "en"}
    assert {row["language"] for row in rows.values()} == {"ar"}


def test_lists_sort_by_the_names_in_the_language_asked_for(reader):
    make_tactic("Alpha", name_es="Zeta")
    make_tactic("Beta", name_es="Alfa")
    english = [r["name"] for r in reader.get("/api/tactics/").json()["results"]]
    spanish = [r["name"] for r in reader.get("/api/tactics/", {"lang": "es"}).json()["results"]]
    assert english == ["Alpha", "Beta"] and spanish == ["Alfa", "Zeta"]


def test_countermeasures_sources_and_search_answer_in_the_language_too(reader, lantern):
    countermeasure = make_countermeasure(
        "Lantern patrols", name_es="Patrullas", summary_es="Patrullas con linterna."
    )
    row = reader.get("/api/countermeasures/", {"lang": "es"}).json()["results"][0]
    assert row["name"] == "Patrullas" and row["languages"] == {"name": "es", "summary": "es"}
    detail = reader.get(f"/api/countermeasures/{countermeasure.public_id}/", {"lang": "es"})
    assert detail.json()["languages"] == {"name": "es", "summary": "es", "description": "en"}
    source = make_source(title="Informe", summary="A summary.", summary_es="Un resumen.")
    data = reader.get(f"/api/sources/{source.public_id}/", {"lang": "es"}).json()
    assert data["summary"] == "Un resumen." and data["languages"] == {"summary": "es"}
    row = reader.get("/api/sources/", {"lang": "es", "q": "informe"}).json()["results"][0]
    assert row["language"] == "es" and row["languages"] == {}
    results = reader.get("/api/search/", {"lang": "es", "type": "tactic"}).json()["results"]
    assert results[0]["name"] == "Señales con linterna"
    assert results[0]["snippet"] == "Señales hechas con una linterna."
    assert results[0]["languages"] == {"name": "es"}
    # A source is named by its own title, which kb does not translate.
    (found,) = reader.get("/api/search/", {"lang": "es", "type": "source", "q": "informe"}).json()[
        "results"
    ]
    assert found["name"] == "Informe" and found["languages"] == {}


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("es", "es"),
        ("fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        ("de-DE,de;q=0.9,ar;q=0.5", "ar"),  # the best of kb's languages the client accepts
        ("en;q=0.5,es;q=0.9", "es"),  # preferences, not order, decide
        ("de", "en"),  # none of kb's: English
        ("*", "en"),
        ("", "en"),
        ("es-" + "x" * 600, "en"),  # too long to read
    ],
)
def test_accept_language_chooses_without_lang(reader, lantern, header, language):
    response = reader.get(f"/api/tactics/{lantern.public_id}/", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 200
    assert response["Content-Language"] == language == response.json()["language"]


def test_lang_wins_over_accept_language_and_an_empty_lang_leaves_it_to_the_header(reader, lantern):
    path = f"/api/tactics/{lantern.public_id}/"
    assert reader.get(path, {"lang": "en"}, HTTP_ACCEPT_LANGUAGE="es").json()["language"] == "en"
    assert reader.get(path, {"lang": ""}, HTTP_ACCEPT_LANGUAGE="es").json()["language"] == "es"


@pytest.mark.parametrize(
    "query",
    [{"lang": "de"}, {"lang": "ES"}, {"lang": "es-MX"}, {"lang": ["es", "fr"]}],
)
@pytest.mark.parametrize("path", ["/api/tactics/", "/api/tactics/TT-0001/", "/api/stages/"])
def test_an_unknown_lang_is_a_400_that_lists_the_languages(reader, lantern, path, query):
    response = reader.get(path, query)
    assert response.status_code == 400
    assert response.json() == {"lang": ["Give one of kb's languages: en, es, fr, ar."]}


def test_lang_is_kept_and_no_other_parameter_is(reader, lantern):
    response = reader.get("/api/tactics/", {"lang": "es", "r": "123"})
    assert response.status_code == 301 and response["Location"] == "/api/tactics/?lang=es"
    # The reference page and the schema's own view take no `lang` of kb's.
    assert reader.get("/api/docs/", {"lang": "es"}).status_code == 301


def test_the_openapi_description_documents_the_language(reader):
    schema = reader.get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/tactics/", "/api/tactics/{public_id}/", "/api/stages/", "/api/search/"):
        operation = schema["paths"][path]["get"]
        parameters = {p["name"]: p for p in operation["parameters"]}
        assert sorted(parameters["lang"]["schema"]["enum"]) == ["", "ar", "en", "es", "fr"]
        assert parameters["Accept-Language"]["in"] == "header"
        assert "Content-Language" in operation["responses"]["200"]["headers"]
        assert "400" in operation["responses"]
    components = schema["components"]["schemas"]
    assert {"language", "languages"} <= set(components["TacticDetail"]["properties"])
    assert set(components["EntryTextLanguages"]["properties"]) == {"name", "summary", "description"}
    assert "translation" in components["Quote"]["properties"]


def test_the_reference_page_lists_lang(reader):
    text = reader.get("/api/docs/").text
    tactics = text[text.index("<code>GET /api/tactics/</code>") :]
    tactics = tactics[: tactics.index("</section>")]
    assert '<th scope="row"><code>lang</code>' in tactics
    assert "one of: ar, en, es, fr" in tactics
    assert "<code>Accept-Language</code> header accepts" in text


# --- nothing unpublished ------------------------------------------------------------------


def test_a_pending_spanish_translation_is_never_given(reader):
    tactic = make_tactic("Lantern signals", summary="Signals with a lantern.")
    source = make_source(title="The report")
    citation = cite(tactic, source, "They waved a lantern.")

    def translate(entry) -> None:
        entry.name_es, entry.summary_es = "Pendiente", "Traducción pendiente."
        entry.save()
        entry.citations.filter(pk=citation.pk).update(translation_es="Cita pendiente")

    assert propose_revision(tactic, author=None, note="Spanish", edit=translate) is not None
    detail = reader.get(f"/api/tactics/{tactic.public_id}/", {"lang": "es"}).json()
    assert detail["name"] == "Lantern signals"
    assert detail["languages"] == {"name": "en", "summary": "en", "description": "en"}
    assert detail["references"][0]["quotes"][0]["translation"] is None
    for path in ("/api/tactics/", "/api/search/", f"/api/sources/{source.public_id}/"):
        text = reader.get(path, {"lang": "es"}, HTTP_ACCEPT_LANGUAGE="es").text
        assert "endiente" not in text, path


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW])
def test_an_unpublished_entry_with_a_spanish_translation_is_nowhere(reader, status):
    hidden = make_tactic("Hidden", status=status, name_es="Oculta", summary_es="Oculta.")
    assert reader.get(f"/api/tactics/{hidden.public_id}/", {"lang": "es"}).status_code == 404
    for path in ("/api/tactics/", "/api/search/"):
        data = reader.get(path, {"lang": "es"}).json()
        assert data["count"] == 0, path


def test_the_schema_takes_only_kbs_languages(reader):
    assert reader.get("/api/schema/?lang=es").status_code == 200
    refused = reader.get("/api/schema/?lang=xx-random")
    assert refused.status_code == 400
    assert b"lang" in refused.content
