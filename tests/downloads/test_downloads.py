"""What the downloads hold: JSON, CSV and STIX 2.1, of published content only, as built by
``build_downloads`` and served to a reader."""

import csv
import io
import json
import re

import pytest
from stix2validator import validate_string

from kb.downloads.build import build_downloads
from kb.downloads.tabular import read_cell
from kb.models import Actor, Status

from ..factories import cite, make_countermeasure, make_source, make_tactic, make_term

pytestmark = pytest.mark.django_db

TRICKY = 'Says "hello", then; leaves\nwith €, é and ünïcode'


@pytest.fixture
def content():
    """A small knowledge base with awkward text, plus hidden entries of every status."""
    tactic = make_tactic("Fake jobs", summary=TRICKY, description='=HYPERLINK("http://x")')
    tactic.indicators.create(text="-1 offers")
    other = make_tactic("Tracking")
    tactic.related_tactics.add(other)
    source = make_source(title="The report", url="https://news.example/a")
    cite(tactic, source, "A quote, with a comma", locator="paragraph 2")
    countermeasure = make_countermeasure(
        "Seize servers", counters=[tactic], actors=[make_term(Actor, "Police")]
    )
    cite(countermeasure, source, "Another quote")
    for status in (Status.DRAFT, Status.IN_REVIEW, Status.RETIRED):
        hidden = make_tactic(f"Leaked {status}", status=status)
        make_countermeasure(f"Leaked {status} response", status=status, counters=[hidden])
        make_source(title=f"Leaked {status} source", status=status)
    build_downloads()
    return {"tactic": tactic, "countermeasure": countermeasure, "source": source}


def read_csv(response) -> list[dict]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.getvalue().decode("utf-8")
    assert text.startswith("\ufeff")  # so spreadsheet programs read UTF-8
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    return [{key: read_cell(value) for key, value in row.items()} for row in rows]


def test_downloads_page_lists_every_file_with_its_version(reader, content):
    text = reader.get("/downloads/").text
    for url in ("/downloads/kb.json", "/downloads/kb.stix.json", "/downloads/tactics.csv",
                "/downloads/citations.csv", "/downloads/mitigations.csv"):  # fmt: skip
        assert f'href="{url}"' in text
    assert re.search(r"content version <strong>\d{8}T\d{6}Z</strong>", text)


def test_json_download_has_everything_published_and_says_its_edition(reader, content):
    response = reader.get("/downloads/kb.json")
    assert re.match(
        r'attachment; filename="kb-\d{8}T\d{6}Z\.json"', response["Content-Disposition"]
    )
    document = json.loads(response.getvalue())
    assert document["generated_at"] and re.fullmatch(r"\d{8}T\d{6}Z", document["content_version"])
    assert [t["name"] for t in document["tactics"]] == ["Fake jobs", "Tracking"]
    tactic = document["tactics"][0]
    assert tactic["summary"] == TRICKY
    assert tactic["references"][0]["quotes"][0]["quote"] == "A quote, with a comma"
    # Built outside any request: links start with the site's public address.
    assert tactic["url"] == f"https://kb.example{content['tactic'].get_absolute_url()}"
    assert "Leaked" not in response.getvalue().decode()


def test_csv_round_trip_keeps_every_value(reader, content):
    tactics = read_csv(reader.get("/downloads/tactics.csv"))
    assert [row["id"] for row in tactics] == ["TT-0001", "TT-0002"]
    first = tactics[0]
    assert first["summary"] == TRICKY
    assert first["description"] == '=HYPERLINK("http://x")'
    assert first["indicators"] == "-1 offers"
    assert first["related_tactics"] == "TT-0002"
    citations = read_csv(reader.get("/downloads/citations.csv"))
    assert {(c["entry"], c["source"], c["quote"]) for c in citations} == {
        ("TT-0001", "SR-0001", "A quote, with a comma"),
        ("CM-0001", "SR-0001", "Another quote"),
    }
    mitigations = read_csv(reader.get("/downloads/mitigations.csv"))
    assert [(m["countermeasure"], m["tactic"]) for m in mitigations] == [("CM-0001", "TT-0001")]
    countermeasures = read_csv(reader.get("/downloads/countermeasures.csv"))
    assert countermeasures[0]["actors"] == "police"


def test_csv_cells_cannot_run_as_spreadsheet_formulas(reader, content):
    raw = reader.get("/downloads/tactics.csv").getvalue().decode("utf-8-sig")
    for cell in next(iter([list(csv.reader(io.StringIO(raw)))]))[1]:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert "'=HYPERLINK" in raw and "'-1 offers" in raw


@pytest.mark.parametrize(
    "name", ["tactics", "countermeasures", "mitigations", "sources", "citations"]
)
def test_no_draft_leaks_into_any_csv(reader, content, name):
    assert "Leaked" not in reader.get(f"/downloads/{name}.csv").getvalue().decode("utf-8-sig")


def test_unknown_csv_is_not_found(reader):
    assert reader.get("/downloads/passwords.csv").status_code == 404


def stix_bundle(reader) -> dict:
    response = reader.get("/downloads/kb.stix.json")
    assert response["Content-Type"] == "application/stix+json;version=2.1"
    return json.loads(response.getvalue())


def test_stix_bundle_validates_against_stix_2_1(reader, content):
    text = reader.get("/downloads/kb.stix.json").getvalue().decode()
    results = validate_string(text)
    assert results.is_valid
    assert not results.errors
    warnings = {re.search(r"\{(\d+)\}", str(w)).group(1) for w in results.warnings}
    # Allowed recommendations: 103 "prefer UUIDv4" (ids are UUIDv5 of the permanent IDs,
    # so a re-import updates objects instead of duplicating them) and 302 "hash the URL"
    # (our pages change; a hash would be wrong the next day).
    assert warnings <= {"103", "302"}


def test_stix_bundle_maps_the_knowledge_base(reader, content):
    objects = stix_bundle(reader)["objects"]
    by_type: dict[str, list] = {}
    for obj in objects:
        by_type.setdefault(obj["type"], []).append(obj)
    assert [p["name"] for p in by_type["attack-pattern"]] == ["Fake jobs", "Tracking"]
    assert [c["name"] for c in by_type["course-of-action"]] == ["Seize servers"]
    kinds = sorted(r["relationship_type"] for r in by_type["relationship"])
    assert kinds == ["mitigates", "related-to"]
    pattern = by_type["attack-pattern"][0]
    references = {r.get("external_id"): r for r in pattern["external_references"]}
    assert references["TT-0001"]["url"].endswith(content["tactic"].get_absolute_url())
    assert "A quote, with a comma" in references["SR-0001"]["description"]
    assert references["SR-0001"]["url"] == "https://news.example/a"
    report = by_type["report"][0]
    # A report names the data, not the meta objects (the licence's marking definition).
    data = {o["id"] for o in objects if o["type"] not in ("report", "marking-definition")}
    assert set(report["object_refs"]) == data
    assert "Leaked" not in json.dumps(objects)


def test_stix_ids_are_stable_between_editions(reader, content):
    first = {o["id"] for o in stix_bundle(reader)["objects"] if o["type"] != "report"}
    content["tactic"].save()  # a new content version, and a new edition
    build_downloads()
    second = stix_bundle(reader)
    assert {o["id"] for o in second["objects"] if o["type"] != "report"} == first


MARKDOWN = "**Bold** claim.\n\n<script>alert(1)</script> [a link](javascript:alert(1))"


@pytest.fixture
def markdown_entries():
    tactic = make_tactic("Lure", summary="Plain <b>summary</b>", description=MARKDOWN)
    make_countermeasure("Warn", description=MARKDOWN, counters=[tactic])
    build_downloads()


def test_json_gives_sanitised_html_beside_the_markdown_and_says_which_is_which(
    reader, markdown_entries
):
    document = json.loads(reader.get("/downloads/kb.json").getvalue())
    for entry in (document["tactics"][0], document["countermeasures"][0]):
        assert entry["description"] == MARKDOWN  # the source, as the editors wrote it
        html = entry["description_html"]
        assert "<strong>Bold</strong>" in html
        assert "<script" not in html and "javascript:" not in html
        keys = list(entry)
        assert keys[keys.index("description") + 1] == "description_html"
    assert document["tactics"][0]["summary"] == "Plain <b>summary</b>"
    formats = document["text_formats"]
    assert formats["summary"].startswith("Plain text")
    assert formats["description"].startswith("Markdown")
    assert "sanitised" in formats["description_html"]


def test_stix_gives_sanitised_html_beside_the_markdown_as_a_defined_extension(
    reader, markdown_entries
):
    objects = stix_bundle(reader)["objects"]
    (definition,) = [o for o in objects if o["type"] == "extension-definition"]
    assert definition["extension_properties"] == ["x_kb_description_html"]
    assert "Markdown" in definition["description"]
    for obj in objects:
        if obj["type"] in ("attack-pattern", "course-of-action"):
            assert MARKDOWN in obj["description"]
            html = obj["x_kb_description_html"]
            assert "<strong>Bold</strong>" in html and "<script" not in html
            assert obj["extensions"] == {
                definition["id"]: {"extension_type": "toplevel-property-extension"}
            }
    (pattern,) = [o for o in objects if o["type"] == "attack-pattern"]
    assert pattern["x_kb_description_html"].startswith("<p>Plain &lt;b&gt;summary&lt;/b&gt;</p>")
