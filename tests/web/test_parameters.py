"""One address per page: the parameters each page reads are known, and no other ones make
a new address (kb.web.parameters)."""

import re

import pytest
from django.urls import resolve

from kb.web.parameters import parameters_read

from ..factories import make_tactic

pytestmark = pytest.mark.django_db


def test_every_parameter_the_api_documents_is_one_its_endpoint_reads(reader):
    schema = reader.get("/api/schema/?format=json").json()
    for path, operations in schema["paths"].items():
        if "{" in path:
            continue
        documented = {
            p["name"] for p in operations["get"].get("parameters", []) if p["in"] == "query"
        }
        assert documented <= parameters_read(resolve(path)), path


@pytest.mark.parametrize(
    "url", ["/tactics/", "/countermeasures/", "/sources/", "/search/?q=x", "/matrix/"]
)
def test_every_field_of_a_page_form_is_a_parameter_the_page_reads(reader, url):
    make_tactic("Lantern")
    page = reader.get(url).content.decode()
    forms = re.findall(r'<form[^>]*method="get"[^>]*action="([^"]*)"(.*?)</form>', page, re.S)
    forms += re.findall(r'<form[^>]*action="([^"]*)"[^>]*method="get"(.*?)</form>', page, re.S)
    assert forms
    for action, body in forms:
        names = set(re.findall(r'name="([^"]+)"', body)) - {"csrfmiddlewaretoken"}
        assert names <= parameters_read(resolve(action or url.split("?")[0])), (url, action, names)


def test_a_tracking_parameter_on_a_shared_link_still_lands_on_the_page(reader):
    tactic = make_tactic("Lantern")
    response = reader.get(f"{tactic.get_absolute_url()}?utm_source=slides", follow=True)
    assert response.status_code == 200 and response.redirect_chain[-1][1] == 301
    assert tactic.name.encode() in response.content
