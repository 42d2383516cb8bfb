"""Migrations apply forward and backward cleanly, on the suite's kind of database, with
content in the tables."""

import json

from ..databases import empty_database, manage_ok, suite_vendor

FIRST_WITH_HISTORY = "0004_history_and_versions"


def record_counts(database: str, tmp_path, name: str) -> dict[str, int]:
    """How many records of each model a backup of the database holds, but the content
    version counter (derived: its table is one of the migrations undone below)."""
    path = tmp_path / f"{name}.json"
    manage_ok(database, "backup", str(path))
    counts = json.loads(path.read_text())["counts"]
    del counts["kb.ContentVersion"]
    return counts


def test_migrations_go_back_and_forward_with_content_in_place(tmp_path):
    with empty_database(suite_vendor(), tmp_path) as database:
        manage_ok(database, "migrate", "-v0")
        manage_ok(database, "seed")
        seeded = record_counts(database, tmp_path, "seeded")
        assert (seeded["kb.Tactic"], seeded["kb.Citation"], seeded["auth.Group"]) == (9, 32, 2)

        # Back over every migration since the history tables came, with the seed content
        # in place, then forward again: nothing is lost on the way.
        manage_ok(database, "migrate", "kb", FIRST_WITH_HISTORY, "-v0")
        assert "[ ] 0005" in manage_ok(database, "showmigrations", "kb")
        manage_ok(database, "migrate", "-v0")
        assert record_counts(database, tmp_path, "again") == seeded

        # All the way back to nothing, and forward to a working database.
        manage_ok(database, "migrate", "kb", "zero", "-v0")
        assert "[X]" not in manage_ok(database, "showmigrations", "kb")
        manage_ok(database, "migrate", "-v0")
        manage_ok(database, "seed")
        assert record_counts(database, tmp_path, "rebuilt") == seeded
