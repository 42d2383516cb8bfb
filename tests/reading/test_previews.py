"""Link preview pictures and the Open Graph and Twitter card tags of every page."""

import io

import pytest
from PIL import Image, features

from kb.models import Status

from ..factories import make_tactic, publish_change

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n"


def picture(response) -> Image.Image:
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content.startswith(PNG)
    return Image.open(io.BytesIO(response.content))


def test_arabic_can_be_shaped():
    assert features.check("raqm"), "libraqm with FriBiDi (Debian's libfribidi0) is needed"


def test_an_entry_has_a_preview_picture_in_each_language(reader):
    tactic = make_tactic("Lantern", summary="Signals by lantern.")
    tactic.name_ar, tactic.summary_ar = "إشارات الفانوس", "إشارات بالفانوس."
    tactic.save()
    english = picture(reader.get(f"/tactics/{tactic.public_id}/preview.png"))
    assert english.size == (1200, 630)
    arabic = picture(reader.get(f"/ar/tactics/{tactic.public_id}/preview.png"))
    assert arabic.size == (1200, 630) and arabic.tobytes() != english.tobytes()
    assert picture(reader.get(f"/tactics/{tactic.public_id}/preview-300.png")).size == (300, 158)
    assert reader.get(f"/tactics/{tactic.public_id}/preview-999.png").status_code == 404
    assert picture(reader.get("/preview.png")).size == (1200, 630)


def test_drafts_have_no_preview_and_other_spellings_redirect(reader):
    draft = make_tactic(status=Status.DRAFT)
    assert reader.get(f"/tactics/{draft.public_id}/preview.png").status_code == 404
    tactic = make_tactic()
    number = int(tactic.public_id.split("-")[1])
    response = reader.get(f"/tactics/tt-{number}/preview.png")
    assert response.status_code == 301
    assert response["Location"] == f"/tactics/{tactic.public_id}/preview.png"


def test_every_kind_of_page_has_open_graph_and_twitter_tags(reader):
    tactic = make_tactic("Lantern")
    publish_change(tactic, "First")
    page = tactic.get_absolute_url()
    for path in ("/", "/tactics/", page, f"/tactics/{tactic.public_id}/v1/",
                 "/search/?q=lantern", "/es/tactics/"):  # fmt: skip
        text = reader.get(path).text
        for tag in ("og:title", "og:description", "og:url", "og:type", "og:site_name",
                    "og:locale", "og:image", "og:image:width", "og:image:alt"):  # fmt: skip
            assert f'property="{tag}"' in text, (path, tag)
        assert '<meta name="twitter:card" content="summary_large_image">' in text, path
    text = reader.get(page).text
    assert f'content="http://testserver/tactics/{tactic.public_id}/preview.png"' in text
    assert '<meta property="og:locale:alternate" content="ar_AR">' in text
    # A version page may show another name than today's picture: it shows the site's.
    version = reader.get(f"/tactics/{tactic.public_id}/v1/").text
    assert 'property="og:image" content="http://testserver/preview.png"' in version
    assert 'content="http://testserver/es/preview.png"' in reader.get("/es/tactics/").text
