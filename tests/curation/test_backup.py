"""Backup and restore: one portable file with the content and its history, restored into an
empty database of either kind with nothing lost."""

from __future__ import annotations

import gzip
import io
import json
import stat
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db.migrations.loader import MigrationLoader

from kb.curation.backup import NOT_CONTENT, backed_up_models
from kb.models import (
    Countermeasure,
    Indicator,
    PublishedVersion,
    Source,
    Status,
    SynonymGroup,
    Tactic,
)

from ..conftest import signed_in
from ..databases import empty_database, manage_ok, suite_vendor
from ..factories import cite, make_countermeasure, make_source, make_tactic, publish_change
from .forms import admin_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def knowledge_base(terms, django_user_model) -> Tactic:
    """Content of every kind, with history made by a reviewer through the admin: a tactic
    published, then renamed in a second published version; a draft; a synonym group."""
    reviewer = django_user_model.objects.create_user("rev", password="x", is_staff=True)
    reviewer.groups.add(Group.objects.get(name="Reviewers"))
    tactic = make_tactic(
        "Tracking phones",
        status=Status.IN_REVIEW,
        category=terms["category"],
        technologies=[terms["technology"]],
        platforms=[terms["platform"]],
        stages=[terms["stage"]],
        target_groups=[terms["group"]],
    )
    Indicator.objects.create(tactic=tactic, text="Phone checked by someone else.")
    source = make_source(title="Field report", url="https://example.org/report")
    cite(tactic, source, "They tracked the phones.", locator="paragraph 2")
    make_countermeasure("Phone safety checks", counters=[tactic], actors=[terms["actor"]])
    make_tactic("Unfinished idea", status=Status.DRAFT, category=terms["category"])
    SynonymGroup.objects.create(terms="gps, location tracking", note="Same thing.")

    admin = signed_in(reviewer)
    published = admin.post(
        f"/admin/kb/tactic/{tactic.pk}/change/", admin_form(tactic, _transition="publish")
    )
    assert published.status_code == 302
    tactic.refresh_from_db()
    tactic._history_user = reviewer
    publish_change(tactic, "Clearer name", name="Tracking victims' phones")
    return tactic


def records(path: Path) -> tuple[dict, list[dict]]:
    """A backup's counts, and its records but the content version (a restore raises it)."""
    with gzip.open(path, "rt") if path.suffix == ".gz" else open(path) as stream:
        backup = json.load(stream)
    kept = [o for o in backup["objects"] if o["model"] != "kb.contentversion"]
    return backup["counts"], kept


def as_of_migration(objects: list[dict], migration: str) -> list[dict]:
    """Backed-up records as a database at kb's ``migration`` held them: without the models
    and fields that later migrations added, nor permissions on those models."""
    state = MigrationLoader(None, ignore_no_migrations=True).project_state(("kb", migration))
    older = []
    for record in objects:
        app, model = record["model"].split(".")
        if record["model"] == "auth.group":
            permissions = [
                [codename, app, model]
                for codename, app, model in record["fields"]["permissions"]
                if app != "kb" or (app, model) in state.models
            ]
            older.append({**record, "fields": {**record["fields"], "permissions": permissions}})
        elif app != "kb":
            older.append(record)
        elif (app, model) in state.models:
            fields = state.models[app, model].fields
            kept = {name: value for name, value in record["fields"].items() if name in fields}
            older.append({**record, "fields": kept})
    return older


def test_round_trip_through_the_other_kind_of_database_loses_nothing(knowledge_base, tmp_path):
    # PostgreSQL → SQLite → PostgreSQL when the suite runs on PostgreSQL, and SQLite three
    # times when it runs on SQLite.
    first, second, third = (tmp_path / f"{n}.json.gz" for n in ("first", "second", "third"))
    call_command("backup", str(first), stdout=io.StringIO())
    with empty_database("sqlite", tmp_path) as sqlite:
        manage_ok(sqlite, "restore", str(first))
        manage_ok(sqlite, "backup", str(second))
    with empty_database(suite_vendor(), tmp_path) as again:
        manage_ok(again, "restore", str(second))
        manage_ok(again, "backup", str(third))

    counts, original = records(first)
    assert records(third) == (counts, original)
    assert counts["kb.HistoricalTactic"] == knowledge_base.history.count() + 1  # the draft's
    assert counts["kb.PublishedVersion"] == 2
    assert counts["admin.LogEntry"] == LogEntry.objects.count() > 0
    history_dates = [o["fields"]["history_date"] for o in original if "history_date" in o["fields"]]
    assert any(date[19:20] == "." and len(date) > 24 for date in history_dates), (
        "history dates keep their microseconds"
    )


def test_a_backup_holds_every_record_of_every_model_but_derived_ones(knowledge_base, tmp_path):
    path = tmp_path / "kb.json"
    call_command("backup", str(path), stdout=io.StringIO())
    counts, objects = records(path)
    for model in backed_up_models():
        assert counts[model._meta.label] == model._base_manager.count(), model
    labels = {o["model"] for o in objects}
    assert {"kb.tactic", "kb.historicaltactic", "kb.historicaltactic_technologies"} <= labels
    assert "kb.searchdocument" not in labels and "sessions.session" not in labels
    user = next(o for o in objects if o["model"] == "auth.user")
    assert user["fields"]["groups"] == [["Reviewers"]] and "pk" not in user


def empty_the_database() -> None:
    # Entries first: vocabulary terms are protected while entries use them.
    for model in (Tactic, Countermeasure, Source, *backed_up_models()):
        if model._meta.label not in NOT_CONTENT:
            model._base_manager.all().delete()


def test_a_restored_knowledge_base_is_served_and_searchable(knowledge_base, reader, tmp_path):
    path = tmp_path / "kb.json.gz"
    call_command("backup", str(path), stdout=io.StringIO())
    empty_the_database()
    assert reader.get("/search/?q=tracking").content.count(b"Tracking victims") == 0

    call_command("restore", str(path), stdout=io.StringIO())

    tactic = Tactic.objects.get(public_id=knowledge_base.public_id)
    assert reader.get(tactic.get_absolute_url()).status_code == 200
    found = reader.get("/search/?q=trackng+phones").content.decode()
    assert tactic.get_absolute_url() in found
    first = PublishedVersion.objects.get(tactic=tactic, number=1)
    assert b"Tracking phones" in reader.get(first.get_absolute_url()).content
    assert reader.get("/tactics/tracking-phones/").status_code in {301, 302}
    assert Tactic.objects.get(name_en="Unfinished idea").status == Status.DRAFT
    restored_user = tactic.history.latest().history_user
    assert restored_user.username == "rev" and restored_user.check_password("x")


def test_restore_refuses_a_database_that_has_content(knowledge_base, tmp_path):
    path = tmp_path / "kb.json"
    call_command("backup", str(path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(path))
    assert Tactic.objects.count() == 2


def test_a_backup_that_fails_half_way_leaves_nothing_behind(knowledge_base, tmp_path):
    path = tmp_path / "kb.json"
    call_command("backup", str(path), stdout=io.StringIO())
    backup = json.loads(path.read_text())
    # The cited tactic is missing: its citation refers to nothing.
    backup["objects"] = [
        o
        for o in backup["objects"]
        if not (o["model"] == "kb.tactic" and o["pk"] == knowledge_base.pk)
    ]
    path.write_text(json.dumps(backup))
    empty_the_database()
    with pytest.raises(CommandError, match="cannot be loaded"):
        call_command("restore", str(path))
    assert not Tactic.objects.exists() and not Indicator.objects.exists()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda text: text[: len(text) // 2], "not a readable kb backup"),
        (lambda text: json.dumps({"objects": []}), "not a kb backup"),
        (lambda text: json.dumps({**json.loads(text), "version": 9}), "format version 9"),
        (
            lambda text: json.dumps({**json.loads(text), "migrations": [["kb", "0999_future"]]}),
            "newer version of kb",
        ),
    ],
    ids=["truncated", "not-a-backup", "unknown-format", "from-the-future"],
)
def test_a_file_that_cannot_be_restored_is_refused_with_the_reason(tmp_path, damage, message):
    path = tmp_path / "kb.json"
    call_command("backup", str(path), stdout=io.StringIO())
    path.write_text(damage(path.read_text()))
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path))


def test_an_older_backup_is_upgraded_by_the_migrations(knowledge_base, tmp_path):
    path, upgraded = tmp_path / "old.json", tmp_path / "upgraded.json"
    call_command("backup", str(path), stdout=io.StringIO())
    backup = json.loads(path.read_text())
    # As if written before the last migration of kb existed.
    last = max(name for app, name in backup["migrations"] if app == "kb")
    backup["migrations"].remove(["kb", last])
    previous = max(name for app, name in backup["migrations"] if app == "kb")
    backup["objects"] = as_of_migration(backup["objects"], previous)
    path.write_text(json.dumps(backup))
    with empty_database("sqlite", tmp_path) as database:
        manage_ok(database, "restore", str(path))
        assert f"[X] {last}" in manage_ok(database, "showmigrations", "kb")
        manage_ok(database, "backup", str(upgraded))
    assert records(upgraded)[0] == backup["counts"]


def test_a_backup_is_private_and_never_overwrites(tmp_path):
    path = tmp_path / "kb.json.gz"
    call_command("backup", str(path), stdout=io.StringIO())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with gzip.open(path, "rt") as stream:
        assert json.load(stream)["format"] == "kb-backup"
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(path))
    assert [p.name for p in tmp_path.iterdir()] == ["kb.json.gz"]


def test_a_backup_never_writes_through_a_planted_file_or_link(tmp_path):
    """A `.partial` file left readable by all, or a symbolic link where the backup is
    written, must neither receive the backup nor make it readable by others."""
    path = tmp_path / "kb.json"
    planted = tmp_path / "kb.json.partial"
    planted.write_text("")
    planted.chmod(0o644)
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("untouched")
    (tmp_path / ".kb.json.partial").symlink_to(elsewhere)

    call_command("backup", str(path), stdout=io.StringIO())

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert planted.read_text() == "" and elsewhere.read_text() == "untouched"
    assert json.loads(path.read_text())["format"] == "kb-backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".kb.json.partial", "elsewhere.txt", "kb.json", "kb.json.partial",
    ]  # fmt: skip


@pytest.fixture
def redis_cache(settings):
    """The page cache in Redis, sharing its database with another site's keys."""
    import redis

    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/13",
            "KEY_PREFIX": "kb-restore-test",
        }
    }
    client = redis.Redis.from_url("redis://127.0.0.1:6379/13")
    client.set("another-site:page", b"theirs")
    yield client
    client.delete("another-site:page")


def test_restore_removes_only_this_sites_keys_from_a_shared_redis(
    knowledge_base, tmp_path, redis_cache
):
    from django.core.cache import cache

    path = tmp_path / "kb.json"
    call_command("backup", str(path), stdout=io.StringIO())
    cache.set("page:stale", b"from before the restore")
    empty_the_database()

    call_command("restore", str(path), stdout=io.StringIO())

    assert cache.get("page:stale") is None
    assert redis_cache.get("another-site:page") == b"theirs"
