"""The address table: entry addresses never overlap, so the order of the routes is free."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

from kb.reading import urls as reading_urls

from ..factories import make_tactic

ADDRESSES = [
    "/tactics/TT-0001/a-tactic/",
    "/tactics/TT-0001/",
    "/tactics/tt-1/",
    "/tactics/TT-0001/changes/",
    "/tactics/TT-0001/v2/",
    "/tactics/a-former-slug/",
    "/tactics/changes-in-recruitment/",
    "/tactics/TT-0001/v2-of-something/",
    "/sources/SR-0002/changes/",
]


def resolved(patterns: list) -> list[tuple[str, dict]]:
    resolver = URLResolver(RegexPattern(r"^/"), patterns)
    return [
        (match.url_name, match.kwargs)
        for match in (resolver.resolve(address) for address in ADDRESSES)
    ]


def test_entry_addresses_resolve_the_same_whatever_the_order_of_the_routes():
    assert resolved(list(reversed(reading_urls.urlpatterns))) == resolved(reading_urls.urlpatterns)
    assert [name for name, _ in resolved(reading_urls.urlpatterns)] == [
        "tactic-detail", "tactic-detail-short", "tactic-detail-short", "tactic-changes",
        "tactic-version", "tactic-by-slug", "tactic-by-slug", "tactic-detail", "source-changes",
    ]  # fmt: skip
    assert get_resolver().resolve("/tactics/TT-0001/v2/").kwargs["number"] == 2


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["changes", "v2", "tt-0001", "SR-12"])
def test_a_slug_that_would_name_another_page_is_refused(slug):
    tactic = make_tactic("Lantern")
    tactic.slug = slug
    with pytest.raises(ValidationError, match="names another page"):
        tactic.full_clean()
