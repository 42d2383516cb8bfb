"""kb.search.languages, and search in the reader's language on whichever database the suite
runs on: each language's documents (translations, English where there is none yet), its
stemming, its words for spelling suggestions and its synonyms."""

import pytest
from django.db import connection
from django.utils.translation import override

from kb.models import SynonymGroup, Tactic
from kb.search import Search, SearchOutcome, highlight
from kb.search.languages import (
    configuration_name,
    light_stem,
    postgresql_configuration,
    sqlite_forms,
    stopwords,
)
from kb.search.synonyms import Thesaurus, repository_synonyms

from ..databases import suite_vendor
from ..factories import complete, make_tactic

# --- what each language is read with -------------------------------------------------------


def test_each_language_has_its_postgresql_configuration_and_simple_where_none(settings):
    assert [configuration_name(code) for code in ("en", "es", "fr", "ar")] == [
        "english", "spanish", "french", "arabic",
    ]  # fmt: skip
    # A language added to settings needs no code: PostgreSQL names configurations after
    # languages, and one it cannot stem is read as simple.
    assert configuration_name("de") == "german"
    assert postgresql_configuration("de", frozenset({"kb_german", "kb_simple"})) == "kb_german"
    assert postgresql_configuration("ja", frozenset({"kb_german", "kb_simple"})) == "kb_simple"
    settings.KB_SEARCH_CONFIGURATIONS = {"es": "simple"}
    assert configuration_name("es") == "simple"


def test_each_language_leaves_out_its_own_very_common_words():
    assert {"de", "la", "que"} <= stopwords("es") and "the" not in stopwords("es")
    assert {"le", "des", "qui"} <= stopwords("fr")
    assert {"في", "من", "عبر", "الى"} <= stopwords("ar")  # "إلى" folded too
    assert "the" in stopwords("en") and stopwords("xx") == frozenset()


@pytest.mark.parametrize(
    ("word", "language", "stem"),
    [("ofertas", "es", "ofert"), ("victimas", "es", "victim"), ("rastrear", "es", "rastr"),
     ("chiffres", "fr", "chiffr"), ("telephone", "fr", "telephon"), ("gps", "es", "gps"),
     ("الابتزاز", "ar", "ابتزاز"), ("صوره", "ar", "صور")],
)  # fmt: skip
def test_a_light_stem_leaves_the_beginning_every_form_shares(word, language, stem):
    assert light_stem(word, language) == stem


def test_an_unstemmed_index_looks_for_the_forms_of_a_word():
    assert sqlite_forms("ofertas", "es").prefixes == ("ofert",)
    assert sqlite_forms("chat", "es").exact  # too short to be a beginning of its own
    arabic = sqlite_forms("بالهاتف", "ar").prefixes
    assert {"هاتف", "الهاتف", "بالهاتف", "وال" + "هاتف"} <= set(arabic)
    # A verb in the present tense is looked for as its noun too.
    assert "التواصل" in sqlite_forms("يتواصلون", "ar").prefixes


# --- synonyms per language -----------------------------------------------------------------


@pytest.mark.parametrize("language", ["es", "fr", "ar"])
def test_each_languages_curated_synonyms_parse(language):
    groups = repository_synonyms(language).groups
    assert len(groups) >= 20
    assert any(("bitcoin",) in group for group in groups) or any(
        ("بيتكوين",) in group for group in groups
    )


def test_arabic_synonyms_are_found_whatever_particle_is_joined_to_the_word():
    thesaurus = Thesaurus(repository_synonyms("ar"), "ar")
    assert ("بيتكوين",) in thesaurus.synonyms(("بالكريبتو",))


@pytest.mark.django_db
def test_a_search_uses_its_languages_synonyms_only():
    make_tactic("Virtual currency", name_es="Moneda virtual")
    with override("es"):
        found = Tactic.objects.published().search("criptomonedas")
        assert [t.name for t in found] == ["Moneda virtual"]
    # "criptomonedas" is a Spanish word for it, not an English one.
    assert list(Tactic.objects.published().search("criptomonedas")) == []


@pytest.mark.django_db
def test_admins_synonym_groups_apply_in_the_languages_they_have_words_in():
    make_tactic("Virtual currency", name_es="Moneda virtual")
    SynonymGroup.objects.create(terms="monero, virtual currency")
    with override("es"):
        assert list(Tactic.objects.published().search("monero")) == []
    SynonymGroup.objects.update(terms_es="monero, moneda virtual")
    with override("es"):
        assert [t.name for t in Tactic.objects.published().search("monero")] == ["Moneda virtual"]


# --- documents in the reader's language ----------------------------------------------------


def found(text: str, language: str) -> list[str]:
    with override(language):
        return [t.name_en for t in Tactic.objects.published().search(text)]


@pytest.mark.django_db
def test_a_spanish_search_finds_spanish_translations_and_untranslated_english_entries():
    make_tactic("Fake jobs", name_es="Empleos falsos", summary_es="Ofertas que no existen.")
    make_tactic("Lantern signals", summary="Signals with a lantern.")  # not translated
    assert found("empleos", "es") == ["Fake jobs"]
    assert found("lantern", "es") == ["Lantern signals"]
    assert found("empleos", "en") == []  # English readers search the English text
    assert found("empleos", "fr") == []


@pytest.mark.django_db
def test_spanish_words_are_found_in_their_other_forms():
    make_tactic("Fake jobs", name_es="Ofertas de empleo falsas")
    assert found("oferta", "es") == ["Fake jobs"]
    assert found("empleos falsos", "es") == ["Fake jobs"]
    assert found('"oferta de empleo"', "es") == ["Fake jobs"]


@pytest.mark.django_db
@pytest.mark.skipif(suite_vendor() != "postgresql", reason="PostgreSQL's text configurations")
def test_postgresql_stems_each_languages_documents_with_its_rules():
    make_tactic("Fake jobs", name_es="Ofertas de empleo falsas", name_fr="Fausses offres")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT language, search_configuration, search_vector::text FROM kb_searchdocument"
        )
        vectors = {language: (config, vector) for language, config, vector in cursor.fetchall()}
    assert vectors["es"][0] == "kb_spanish" and "'ofert'" in vectors["es"][1]
    assert vectors["fr"][0] == "kb_french" and "'fauss'" in vectors["fr"][1]
    assert vectors["ar"][0] == "kb_arabic" and vectors["en"][0] == "kb_english"
    assert "'ofert'" not in vectors["en"][1]  # the English title, stemmed as English


@pytest.mark.django_db
def test_arabic_is_found_without_hamza_or_shadda_and_with_particles_joined():
    make_tactic(
        "Encrypted messaging",
        name_ar="المراسلة المشفّرة",
        summary_ar="يستخدمون الرسائل في إخفاء أطفال.",
    )
    for text in ("مشفرة", "المشفرة", "اطفال", "اخفاء", "بالرسائل", "رسائل"):
        assert found(text, "ar") == ["Encrypted messaging"], text


@pytest.mark.django_db
def test_arabic_highlights_mark_the_word_as_written():
    make_tactic("Encrypted messaging", name_ar="المراسلة المشفّرة مع الشركاء")
    with override("ar"):
        rows = list(Tactic.objects.published().search("مشفرة"))
        highlight(rows, SearchOutcome(Search.prepare("مشفرة")))
    assert "<mark>المشفّرة</mark>" in str(rows[0].highlight.title)
    assert "<mark>الشركاء</mark>" not in str(rows[0].highlight.title)


@pytest.mark.django_db
def test_a_translation_in_a_pending_revision_is_never_found(reader):
    from kb.curation.workflow import propose_revision, publish_revision, submit_revision

    tactic = complete(make_tactic("Lantern", summary="A lantern."))

    def spanish(entry) -> None:
        entry.name_es, entry.summary_es = "Farol mágico", "Un farol."
        entry.record_translation("es")
        entry.save()

    revision = propose_revision(tactic, author=None, note="Spanish", edit=spanish)
    submit_revision(revision, None)
    assert found("farol", "es") == []
    assert "Farol" not in reader.get("/es/search/", {"q": "farol"}).text
    assert reader.get("/es/tactics/", {"q": "farol"}).context["entries"] == []
    publish_revision(revision, None)
    assert found("farol", "es") == ["Lantern"]


# --- spelling in the reader's language -----------------------------------------------------


@pytest.mark.django_db
def test_spelling_suggestions_come_from_the_languages_own_words():
    make_tactic("Blackmail", summary_es="Chantaje con fotos.")
    assert Search.prepare("chantje", language="es").corrections == {"chantje": "chantaje"}
    # The English documents have no such word to correct it into.
    assert Search.prepare("chantje", language="en").corrections == {}


@pytest.mark.django_db
def test_a_word_of_the_readers_language_or_of_english_is_never_corrected():
    make_tactic("Blocking", summary_es="Celulares bloqueados.")
    for text in ("booking", "cobran", "pidio"):  # English; Spanish verbs as conjugated
        search = Search.prepare(text, language="es")
        assert search.corrections == {}, text


@pytest.mark.django_db
def test_the_spanish_site_search_shows_spanish_results_and_snippets(reader):
    make_tactic("Fake jobs", name_es="Empleos falsos", summary_es="Ofertas que no existen.")
    response = reader.get("/es/search/", {"q": "ofertas"})
    assert [d.title for d in response.context["entries"]] == ["Empleos falsos"]
    assert "<mark>Ofertas</mark> que no existen." in response.text
    assert reader.get("/search/", {"q": "ofertas"}).context["entries"] == []
    listed = reader.get("/es/tactics/", {"q": "ofertas"}).context["entries"]
    assert [t.name_en for t in listed] == ["Fake jobs"]
