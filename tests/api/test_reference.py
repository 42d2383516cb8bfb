"""The API reference page: every endpoint of the OpenAPI description, with its parameters
and the values they accept, in the site's own accessible markup."""

import pytest

from kb.models import Technology

from ..factories import make_tactic, make_term

pytestmark = pytest.mark.django_db


def test_reference_lists_every_endpoint_with_its_parameters(reader):
    make_term(Technology, "GPS")
    schema = reader.get("/api/schema/", {"format": "json"}).json()
    page = reader.get("/api/docs/")
    assert page.status_code == 200
    for path in schema["paths"]:
        assert f"<code>GET {path}</code>" in page.text
    tactics = page.text[page.text.index("<code>GET /api/tactics/</code>") :]
    tactics = tactics[: tactics.index("</section>")]
    for name in ("q", "category", "technology", "stage", "sort", "page", "page_size"):
        assert f'<th scope="row"><code>{name}</code>' in tactics
    assert "one or more of: gps" in tactics
    assert "<strong>400</strong>: Malformed filter" in tactics


def test_reference_follows_the_vocabularies(reader):
    make_tactic("Lantern")
    make_term(Technology, "Drones")
    assert "one or more of: drones" in reader.get("/api/docs/").text
