"""Property-based tests (hypothesis) over the query parameters of every public URL: whatever
a reader, a crawler or an attacker puts in the query string (unknown names, repeated
values, huge, malformed or non-UTF-8 input, NUL bytes), the answer is a normal page or a
400, never a server error. The API's own parameters are also covered, by its OpenAPI
description, in tests/api/test_schema.py."""

from __future__ import annotations

import os
from urllib.parse import quote, quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.downloads.build import build_downloads
from kb.models import Category, Stage, Technology

from ..factories import cite, make_countermeasure, make_source, make_tactic, make_term

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("KB_PARAMETER_EXAMPLES", "40"))

PARAMETERS = [
    "q", "category", "technology", "platform", "stage", "group", "actor", "kind", "type",
    "sort", "page", "by", "ids", "format", "page_size", "limit", "offset", "search", "cursor",
]  # fmt: skip

EDGE_CASES = [
    "", "0", "-1", "99999999999999999999", "1e309", "NaN", "recruitment", "name", "-name",
    "TT-0001", "tt-1,TT-99999,", "\x00", "%", "'; DROP TABLE kb_tactic; --", '"', "*",
    "fake OR job", "-job", '"fake job', "json", "api", "csv", "category",
]  # fmt: skip
values = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=3000),
    st.sampled_from(EDGE_CASES),
)
# Raw bytes, percent-encoded as a browser or a script might send them: invalid UTF-8 included.
raw_values = st.binary(max_size=60).map(lambda b: quote_from_bytes(b, safe=""))
pairs = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(PARAMETERS), st.text(max_size=12)),
        st.one_of(values.map(lambda v: quote(v, safe="")), raw_values),
    ),
    max_size=6,
)


@pytest.fixture
def public_urls() -> list[str]:
    category, technology, stage = make_term(Category), make_term(Technology), make_term(Stage)
    tactic = make_tactic("Lantern", category=category, technologies=[technology], stages=[stage])
    countermeasure = make_countermeasure("Beacon", counters=[tactic])
    source = make_source()
    cite(tactic, source)
    build_downloads()
    return [
        "/", "/tactics/", "/countermeasures/", "/sources/", "/search/", "/matrix/", "/handout/",
        "/whats-new/", "/downloads/", "/feeds/tactics/", f"/feeds/tactics/{category.slug}/",
        "/sitemap.xml", tactic.get_absolute_url(), countermeasure.get_absolute_url(),
        source.get_absolute_url(), f"/tactics/{tactic.public_id}/changes/", "/api/tactics/",
        "/api/countermeasures/", "/api/sources/", "/api/search/", "/downloads/tactics.csv",
    ]  # fmt: skip


def test_no_query_string_causes_a_server_error(reader, public_urls):
    reader.raise_request_exception = False

    @given(url=st.sampled_from(public_urls), query=pairs)
    @settings(
        max_examples=EXAMPLES * len(public_urls),
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        database=None,
    )
    def check(url: str, query: list[tuple[str, str]]) -> None:
        query_string = "&".join(f"{quote(name, safe='')}={value}" for name, value in query)
        response = reader.get(f"{url}?{query_string}")
        assert response.status_code < 500, (url, query_string, response.status_code)

    check()


@pytest.mark.parametrize(
    "query",
    [
        "q=" + "lantern%20" * 20_000,  # 200 KB
        "q=%ff%fe%00lantern",
        "q=%00",
        "technology=%C0%AF&stage=%ED%A0%80",  # overlong and surrogate encodings
        "page=%ff",
        "q=lantern&q=beacon&q=" + "x" * 5000,
        "ids=" + ",".join(f"TT-{n}" for n in range(5000)),
        "&".join(f"p{n}=1" for n in range(2000)),  # more fields than Django accepts
    ],
)
def test_oversized_and_malformed_input_gets_a_normal_page_or_a_400(reader, public_urls, query):
    reader.raise_request_exception = False
    for url in public_urls:
        # Parameters a page does not read redirect to its address without them.
        response = reader.get(f"{url}?{query}", follow=True)
        # The API answers a page number that names no page with a documented 404.
        allowed = (200, 400, 404) if url.startswith("/api/") else (200, 400)
        assert response.status_code in allowed, (url, query[:80], response.status_code)


@pytest.mark.parametrize(
    "path", ["/tactics/%ff/", "/tactics/TT-%00/", "/tactics/TT-0001/%ff%fe/", "/%ff", "/api/%00/"]
)
def test_malformed_paths_are_not_found(reader, path):
    reader.raise_request_exception = False
    assert reader.get(path).status_code in (400, 404)
