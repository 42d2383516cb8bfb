"""oEmbed, by the specification's rules: a rich answer within the consumer's limits, 404 for
an address kb has no card for, 501 for another format, 400 without a usable url."""

import pytest

from kb.models import Status

from ..factories import make_countermeasure, make_tactic, publish_change

pytestmark = pytest.mark.django_db


def ask(reader, url, **more):
    return reader.get("/oembed", {"url": url, "format": "json", **more})


def test_a_tactic_page_gets_a_rich_answer_with_its_card(reader):
    tactic = make_tactic("Lantern")
    page = f"http://testserver{tactic.get_absolute_url()}"
    response = ask(reader, page)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    answer = response.json()
    assert answer["version"] == "1.0" and answer["type"] == "rich"
    assert answer["title"] == f"Lantern ({tactic.public_id})"
    assert f'src="http://testserver/embed/{tactic.public_id}/"' in answer["html"]
    assert (answer["width"], answer["height"]) == (480, 420)
    for name in ("provider_name", "provider_url", "author_name", "cache_age"):
        assert answer[name]
    assert answer["thumbnail_url"].endswith(f"/tactics/{tactic.public_id}/preview.png")
    assert (answer["thumbnail_width"], answer["thumbnail_height"]) == (1200, 630)


def test_the_answer_respects_maxwidth_and_maxheight(reader):
    tactic = make_tactic("Lantern")
    answer = ask(
        reader, f"http://testserver/tactics/{tactic.public_id}/", maxwidth=400, maxheight=300
    ).json()
    assert answer["width"] <= 400 and answer["height"] <= 300
    assert answer["thumbnail_width"] <= 400 and answer["thumbnail_height"] <= 300
    tiny = ask(reader, f"http://testserver/tactics/{tactic.public_id}/", maxwidth=100).json()
    assert tiny["width"] == 100 and "thumbnail_url" not in tiny


def test_every_address_form_and_language_and_version(reader):
    tactic = make_tactic("Lantern")
    publish_change(tactic, "First")
    number = int(tactic.public_id.split("-")[1])
    for path in (f"/tactics/tt-{number}/", "/tactics/lantern/", f"/embed/{tactic.public_id}/"):
        assert ask(reader, f"http://testserver{path}").status_code == 200, path
    spanish = ask(reader, f"http://testserver/es/tactics/{tactic.public_id}/").json()
    assert f"http://testserver/es/embed/{tactic.public_id}/" in spanish["html"]
    version = ask(reader, f"http://testserver/tactics/{tactic.public_id}/v1/").json()
    assert f"/embed/{tactic.public_id}/v1/" in version["html"]
    countermeasure = make_countermeasure("Beacon")
    assert ask(reader, f"http://testserver{countermeasure.get_absolute_url()}").status_code == 200


def test_addresses_without_a_card_are_not_found(reader):
    draft = make_tactic("Draft", status=Status.DRAFT)
    urls = [f"http://testserver{draft.get_absolute_url()}", "http://testserver/tactics/",
            "http://elsewhere.example/tactics/TT-0001/", "http://testserver/nowhere/"]  # fmt: skip
    for url in urls:
        assert ask(reader, url).status_code == 404, url


def test_other_formats_are_not_implemented_and_bad_requests_say_so(reader):
    tactic = make_tactic("Lantern")
    page = f"http://testserver{tactic.get_absolute_url()}"
    assert reader.get("/oembed", {"url": page, "format": "xml"}).status_code == 501
    assert reader.get("/oembed").status_code == 400
    assert reader.get("/oembed", {"url": "not a url"}).status_code == 400
    assert reader.get("/oembed", {"url": "http://[bad"}).status_code == 400
    assert ask(reader, page, maxwidth="wide").status_code == 400
    assert ask(reader, page, maxheight="0").status_code == 400


def test_entry_and_version_pages_announce_their_oembed(reader):
    tactic = make_tactic("Lantern")
    publish_change(tactic, "First")
    for path in (tactic.get_absolute_url(), f"/tactics/{tactic.public_id}/v1/"):
        text = reader.get(path).text
        assert 'type="application/json+oembed" href="http://testserver/oembed?url=' in text
        assert "&amp;format=json" in text
