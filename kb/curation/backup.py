"""Backups: the whole knowledge base in one portable file, and back into an empty database.

A backup holds every record people made: entries with their indicators, citations and
links, vocabularies, synonym groups, published versions, the full revision history
(django-simple-history's tables), the admin's action log, and the users with their groups.
It is JSON written by Django's serializers, with users, groups and content types referred
to by their natural keys, so it loads into PostgreSQL or SQLite alike. Dates keep their
microseconds: published versions are rebuilt from the history as of a moment.

Left out, because they are derived or short-lived: search documents and spelling words
(rebuilt on restore), content types and permissions (created by migrations), sessions and
sign-in attempts.

The file records the migrations its database had. A restore brings the empty database's
schema to exactly that state, loads the records, then migrates to the current code, so an
older backup is upgraded by the same migrations as a live database.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.management.sql import emit_post_migrate_signal
from django.core.serializers.base import DeserializationError, DeserializedObject
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.python import Deserializer as PythonDeserializer
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import StateApps
from django.utils import timezone

from kb import bulk
from kb.caching.pages import forget_every_page
from kb.models import content_changed
from kb.search import indexing

FORMAT = "kb-backup"
FORMAT_VERSION = 1

LEFT_OUT = frozenset(
    {
        "kb.SearchDocument",
        "kb.SearchWord",
        "contenttypes.ContentType",
        "auth.Permission",
        "sessions.Session",
        "axes.AccessAttempt",
        "axes.AccessAttemptExpiration",
        "axes.AccessFailureLog",
        "axes.AccessLog",
    }
)
"""Models whose rows a backup leaves out, each for a reason given in the module docstring.
Every other model is backed up, so a model added later is included without a change here."""

# Rows that do not make a database "not empty": groups, which migrations create, and the
# content version counter, which a restore raises anyway.
NOT_CONTENT = frozenset({"auth.Group", "kb.ContentVersion"})


class BackupError(Exception):
    """A backup cannot be written or restored; the message says why, for the command line."""


@dataclass(frozen=True)
class Summary:
    """What a backup holds, or what a restore loaded: row counts by model label."""

    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def describe(self) -> str:
        """One line for people: entries, then history, then the rest."""

        def count(*labels: str) -> int:
            return sum(self.counts.get(label, 0) for label in labels)

        history = sum(n for label, n in self.counts.items() if ".Historical" in label)
        return (
            f"{count('kb.Tactic')} tactics, {count('kb.Countermeasure')} countermeasures, "
            f"{count('kb.Source')} sources, {count('kb.Citation')} citations, "
            f"{count('kb.PublishedVersion')} published versions, {history} history records, "
            f"{count('auth.User')} users; {self.total} records in all"
        )


def backed_up_models() -> list[type[models.Model]]:
    """Every model a backup holds, ordered so that what a record refers to by natural key
    comes before it (other references are checked when the whole load is done)."""
    # Unmanaged tables (SQLite's FTS5 index) are derived too.
    chosen = [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.label not in LEFT_OUT
    ]
    by_app: dict = {}
    for model in chosen:
        by_app.setdefault(model._meta.app_config, []).append(model)
    return serializers.sort_dependencies(by_app.items(), allow_cycles=True)


class _FullPrecisionEncoder(DjangoJSONEncoder):
    # Django's encoder cuts times to milliseconds; history is ordered by the microsecond.
    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            return o.isoformat().replace("+00:00", "Z")
        if isinstance(o, (date, time)):
            return o.isoformat()
        return super().default(o)


def _applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connection)
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _rows(ordered: list[type[models.Model]]) -> Iterator[models.Model]:
    for model in ordered:
        # The base manager: every row, whatever a default manager might leave out.
        yield from model._base_manager.order_by(model._meta.pk.name).iterator(chunk_size=2000)


@contextmanager
def _new_partial_file(path: Path, compressed: bool) -> Iterator[tuple[Path, IO[str]]]:
    """A new file beside ``path`` to write the backup into, and its name. Created with a
    name of its own, exclusively (never an existing file, nor through a symbolic link) and
    readable by its owner alone, whatever the umask: a backup holds the users' password
    hashes."""
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    with os.fdopen(descriptor, "wb") as raw:
        if compressed:
            with gzip.open(raw, "wt", encoding="utf-8") as stream:
                yield Path(name), stream
        else:
            with io.TextIOWrapper(raw, encoding="utf-8") as stream:
                yield Path(name), stream


def write_backup(path: Path) -> Summary:
    """Write the whole knowledge base to ``path`` (gzip-compressed when it ends in .gz).

    The records are read in one transaction, so a backup taken while admins work is
    consistent. The file appears only when complete: it is written beside its final name
    and renamed.
    """
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists; choose a new name for the backup.")
    ordered = backed_up_models()
    partial: Path | None = None
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                _snapshot_isolation()
            counts = {model._meta.label: model._base_manager.count() for model in ordered}
            header = {
                "format": FORMAT,
                "version": FORMAT_VERSION,
                "created": timezone.now().isoformat(),
                "database": connection.vendor,
                "migrations": _applied_migrations(),
                "counts": counts,
            }
            with _new_partial_file(path, path.name.endswith(".gz")) as (partial, stream):
                stream.write(json.dumps(header, indent=1)[:-2] + ',\n "objects": ')
                serializers.serialize(
                    "json",
                    _rows(ordered),
                    stream=stream,
                    use_natural_foreign_keys=True,
                    use_natural_primary_keys=True,
                    cls=_FullPrecisionEncoder,
                )
                stream.write("\n}\n")
        os.replace(partial, path)
    except BaseException:
        if partial is not None:
            partial.unlink(missing_ok=True)
        raise
    return Summary(counts)


def _snapshot_isolation() -> None:
    # Must be the transaction's first statement; inside an outer transaction (a test) the
    # outer one's snapshot applies and this is skipped.
    if connection.savepoint_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def read_backup(path: Path) -> dict[str, Any]:
    """The backup at ``path``, checked to be one this code can restore."""
    path = Path(path)
    try:
        with open(path, "rb") as raw:
            compressed = raw.read(2) == b"\x1f\x8b"
        opener = gzip.open if compressed else open
        with opener(path, "rt", encoding="utf-8") as stream:
            backup = json.load(stream)
    except FileNotFoundError:
        raise BackupError(f"{path} does not exist.") from None
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{path} is not a readable kb backup ({error}).") from None
    if not isinstance(backup, dict) or backup.get("format") != FORMAT:
        raise BackupError(f"{path} is not a kb backup.")
    if backup.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is a kb backup of format version {backup.get('version')}; this code "
            f"reads version {FORMAT_VERSION}."
        )
    if not isinstance(backup.get("objects"), list) or not isinstance(
        backup.get("migrations"), list
    ):
        raise BackupError(f"{path} is incomplete: it has no records or no migration list.")
    return backup


def _existing_records() -> dict[str, int]:
    tables = set(connection.introspection.table_names())
    found = {}
    for model in backed_up_models():
        if model._meta.label in NOT_CONTENT or model._meta.db_table not in tables:
            continue
        if n := model._base_manager.count():
            found[model._meta.label] = n
    return found


def _migration_targets(recorded: list[list[str]]) -> list[tuple[str, str]]:
    """The last migration of each app in the backup's database, as migration targets."""
    graph = MigrationLoader(connection, ignore_no_migrations=True).graph
    applied = {(app, name) for app, name in recorded}
    unknown = sorted(applied - set(graph.nodes))
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(
            f"This backup was written by a newer version of kb (its database had migrations "
            f"this code does not know: {names}). Restore it with that version or a later one."
        )
    return sorted(
        node
        for node in applied
        if not any(
            child.key[0] == node[0] and child.key in applied
            for child in graph.node_map[node].children
        )
    )


def _migrate_to(targets: list[tuple[str, str]]) -> StateApps:
    """Bring the empty database's schema to ``targets``; the models as they were there."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(targets)
    state = executor.migrate(targets, plan=plan)
    if plan:
        # Content types and permissions, which the backup's groups refer to by name.
        emit_post_migrate_signal(0, False, DEFAULT_DB_ALIAS, apps=state.apps, plan=plan)
    return state.apps


class _RecordsAsOf(PythonDeserializer):
    """Django's deserializer, whose kb records are saved as kb's models were at the backup's
    migrations (``models_then``), not as they are in the code: a column a later migration
    adds does not exist yet while an older backup loads. Records are read with the code's
    models first, so that natural keys (a history row's user, a group's permissions) resolve
    as usual."""

    models_then: StateApps

    def _handle_object(self, obj: dict) -> Iterator[DeserializedObject]:
        for record in super()._handle_object(obj):  # type: ignore[misc]
            now = record.object
            if now._meta.app_label == "kb":
                then = self.models_then.get_model(now._meta.label)
                record.object = then(
                    **{f.attname: getattr(now, f.attname) for f in then._meta.concrete_fields}
                )
            yield record


def _load(objects: list[dict], models_then: StateApps) -> Summary:
    counts: dict[str, int] = {}
    deferred = []
    try:
        loaded = _RecordsAsOf(objects, handle_forward_references=True)
        loaded.models_then = models_then
        for record in loaded:
            # Raw saves write no history, but setting many-to-many links would: the
            # backup's own history is the record of what happened.
            record.object.skip_history_when_saving = True
            record.save()
            counts[record.object._meta.label] = counts.get(record.object._meta.label, 0) + 1
            if record.deferred_fields:
                deferred.append(record)
        for record in deferred:
            record.save_deferred_fields()
        touched = [models_then.get_model(label) for label in counts]
        connection.check_constraints(table_names=[model._meta.db_table for model in touched])
    except (DeserializationError, IntegrityError) as error:
        raise BackupError(f"A record in the backup cannot be loaded: {error}") from None
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), touched):
            cursor.execute(statement)
    return Summary(counts)


def restore_backup(path: Path) -> Summary:
    """Load the backup at ``path`` into this empty database and bring it up to date.

    Refuses a database that already has content or users (a restore never merges), and a
    backup from a newer version of kb. The records load in one transaction: a backup that
    fails half-way leaves nothing behind. Afterwards the search index is rebuilt, the
    schema migrated to the current code, and the page cache emptied, since nothing cached
    from another database can be trusted.
    """
    backup = read_backup(path)
    existing = _existing_records()
    if existing:
        listed = ", ".join(f"{n} {label}" for label, n in sorted(existing.items())[:5])
        raise BackupError(
            f"The database is not empty ({listed}). Restore into a new, empty database."
        )
    models_then = _migrate_to(_migration_targets(backup["migrations"]))
    with bulk.operation(), transaction.atomic():
        loaded = _load(backup["objects"], models_then)
    call_command("migrate", interactive=False, verbosity=0)
    with transaction.atomic():
        indexing.rebuild()
        content_changed()
    # The restored content version may repeat a number pages were cached under before.
    forget_every_page()
    return loaded
