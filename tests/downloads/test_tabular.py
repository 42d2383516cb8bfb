"""CSV files: text a spreadsheet would run as a formula is guarded, in a whole cell and in
every item of a list joined into one cell, and the guard comes off again."""

import csv
import io

import pytest

from kb.downloads.build import build_downloads
from kb.downloads.tabular import FORMULA_STARTS, joined, neutralise, read_cell, read_list
from kb.models import Actor, Technology

from ..factories import make_countermeasure, make_tactic, make_term

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://x")', "+1", "-1 offers", "@SUM(A1)", "\tTab", "\rReturn"]


@pytest.mark.parametrize("text", [*HOSTILE, "'quoted", "''twice", "plain", "", "a = b"])
def test_a_guarded_cell_runs_nothing_and_reads_back_as_written(text):
    guarded = neutralise(text)
    assert not guarded.startswith(FORMULA_STARTS)
    assert read_cell(guarded) == text


def test_every_item_of_a_list_is_guarded_not_only_the_first():
    items = ["safe", *HOSTILE, "'quoted"]
    cell = joined(items)
    for item in cell.split("; "):
        assert not item.startswith(FORMULA_STARTS), item
    assert read_list(cell) == items
    assert read_list("") == []


def rows_of(reader, name: str) -> list[dict]:
    text = reader.get(f"/downloads/{name}.csv").getvalue().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_list_items_in_the_files_are_guarded_one_by_one(reader):
    tactic = make_tactic(
        "Lure", technologies=[make_term(Technology, "Phones"), make_term(Technology, "-Burner")]
    )
    for text in ("Asks for money", "=cmd|' /C calc'!A0", "@SUM(1+1)"):
        tactic.indicators.create(text=text)
    make_countermeasure(
        "Warn", actors=[make_term(Actor, "NGOs"), make_term(Actor, "+Police")], counters=[tactic]
    )
    build_downloads()
    (row,) = rows_of(reader, "tactics")
    for column in ("indicators", "technologies"):
        for item in row[column].split("; "):
            assert not item.startswith(FORMULA_STARTS), (column, item)
    assert read_list(row["indicators"]) == ["Asks for money", "=cmd|' /C calc'!A0", "@SUM(1+1)"]
    assert read_list(row["technologies"]) == ["-burner", "phones"]
    (countermeasure,) = rows_of(reader, "countermeasures")
    assert read_list(countermeasure["actors"]) == ["+police", "ngos"]
    assert "'+police" in countermeasure["actors"]
