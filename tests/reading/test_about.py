"""The About page, and the content's licence on every page's footer."""

import pytest

from kb.licence import CONTENT_LICENCE

from ..factories import make_tactic

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("prefix", ["", "/es", "/fr", "/ar"])
def test_about_page_answers_in_every_language(reader, prefix):
    response = reader.get(f"{prefix}/about/")
    assert response.status_code == 200
    language = prefix.strip("/") or "en"
    assert f'<html lang="{language}"' in response.text
    for anchor in ("who", "research", "review", "cite", "contact", "licence"):
        assert f'id="{anchor}"' in response.text
    assert f'href="{prefix}/suggest/"' in response.text
    assert f'href="{CONTENT_LICENCE.url}"' in response.text


def test_about_page_shows_a_contact_email_only_when_one_is_set(reader, settings):
    settings.KB_CONTACT_EMAIL = ""
    assert "mailto:" not in reader.get("/about/").text
    settings.KB_CONTACT_EMAIL = "editors@example.org"
    assert 'href="mailto:editors@example.org"' in reader.get("/about/").text


def test_about_page_names_the_permanent_id_of_each_kind_of_entry(reader):
    text = reader.get("/about/").text
    for public_id in ("TT-0001", "CM-0001", "SR-0001"):
        assert public_id in text


@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_every_page_footer_links_to_about_and_states_the_licence(reader, prefix):
    tactic = make_tactic("Grooming on social media")
    url = tactic.get_absolute_url()
    for address in (f"{prefix}/", f"{prefix}{url}", f"{prefix}/tactics/", f"{prefix}/nowhere/"):
        response = reader.get(address)
        footer = response.text.split('<footer class="site-footer">', 1)[1]
        assert f'href="{prefix}/about/"' in footer, address
        assert f'rel="license" href="{CONTENT_LICENCE.url}"' in footer, address
