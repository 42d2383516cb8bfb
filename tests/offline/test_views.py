"""The offline search page and its index, served in the address's language."""

import pytest
from django.urls import reverse
from django.utils import translation

from ..factories import make_tactic

pytestmark = pytest.mark.django_db


def test_the_search_page_loads_its_languages_index_and_script(reader):
    with translation.override("es"):
        page, index = reverse("kb:offline-search"), reverse("kb:offline-search-index")
    assert (page, index) == ("/es/offline/search/", "/es/offline/search-index.js")
    response = reader.get(page + "?q=trabajo")  # read in the browser, kept in the address
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<script src="{index}" defer>' in html
    assert "/static/kb/offline-search.js" in html
    assert 'data-home="/es/"' in html
    assert '<html lang="es"' in html


def test_the_index_is_a_script_in_the_addresss_language(reader):
    make_tactic("Lantern", name_es="Linterna")
    response = reader.get("/es/offline/search-index.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert '"Linterna"' in response.content.decode()
    assert '"Lantern"' in reader.get("/offline/search-index.js").content.decode()


def test_any_other_parameter_leads_to_the_page_without_it(reader):
    response = reader.get("/offline/search/?q=gps&utm_source=course")
    assert response.status_code == 301
    assert response["Location"] == "/offline/search/?q=gps"
