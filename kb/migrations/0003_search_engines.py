"""The database-specific half of search, created on whichever database is in use.

PostgreSQL: the pg_trgm and unaccent extensions, an English text search configuration that
ignores accents ("resume" finds "Résumé"), a trigger that keeps each document's weighted
search vector current, a GIN index on the vectors and a trigram index on the vocabulary.

SQLite: an external-content FTS5 table over the documents (Porter stemming, accents
folded), a trigram FTS5 table over the vocabulary, and triggers that keep both in step with
their tables.
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION kb_english (COPY = english)",
    """ALTER TEXT SEARCH CONFIGURATION kb_english
       ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem""",
    """CREATE FUNCTION kb_searchdocument_vector() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         NEW.search_vector :=
           setweight(to_tsvector('kb_english', coalesce(NEW.title, '')), 'A') ||
           setweight(to_tsvector('kb_english', coalesce(NEW.summary, '')), 'B') ||
           setweight(to_tsvector('kb_english', coalesce(NEW.keywords, '')), 'B') ||
           setweight(to_tsvector('kb_english', coalesce(NEW.body, '')), 'C');
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER kb_searchdocument_vector_trigger
       BEFORE INSERT OR UPDATE ON kb_searchdocument
       FOR EACH ROW EXECUTE FUNCTION kb_searchdocument_vector()""",
    "CREATE INDEX kb_searchdocument_vector_idx ON kb_searchdocument USING gin (search_vector)",
    "CREATE INDEX kb_searchword_trigram_idx ON kb_searchword USING gin (word gin_trgm_ops)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS kb_searchword_trigram_idx",
    "DROP INDEX IF EXISTS kb_searchdocument_vector_idx",
    "DROP TRIGGER IF EXISTS kb_searchdocument_vector_trigger ON kb_searchdocument",
    "DROP FUNCTION IF EXISTS kb_searchdocument_vector()",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS kb_english",
    # The extensions stay: other database objects may use them.
]

DOCUMENT_COLUMNS = "title, summary, keywords, body"


def _fts_sync(table: str, index: str, columns: str, tokenize: str) -> list[str]:
    """An external-content FTS5 index over ``table`` and the triggers that keep it in step."""
    new = ", ".join(f"new.{c.strip()}" for c in columns.split(","))
    old = ", ".join(f"old.{c.strip()}" for c in columns.split(","))
    return [
        f"""CREATE VIRTUAL TABLE {index} USING fts5({columns}, content='{table}',
            content_rowid='id', tokenize='{tokenize}')""",
        f"""CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN
              INSERT INTO {index}(rowid, {columns}) VALUES (new.id, {new});
            END""",
        f"""CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN
              INSERT INTO {index}({index}, rowid, {columns}) VALUES ('delete', old.id, {old});
            END""",
        f"""CREATE TRIGGER {index}_update AFTER UPDATE ON {table} BEGIN
              INSERT INTO {index}({index}, rowid, {columns}) VALUES ('delete', old.id, {old});
              INSERT INTO {index}(rowid, {columns}) VALUES (new.id, {new});
            END""",
        f"INSERT INTO {index}({index}) VALUES ('rebuild')",
    ]


SQLITE_FORWARD = [
    *_fts_sync(
        "kb_searchdocument",
        "kb_searchdocument_fts",
        DOCUMENT_COLUMNS,
        "porter unicode61 remove_diacritics 2",
    ),
    *_fts_sync("kb_searchword", "kb_searchword_trigram", "word", "trigram"),
]
SQLITE_BACKWARD = [
    f"DROP {kind} IF EXISTS {name}{suffix}"
    for name in ("kb_searchword_trigram", "kb_searchdocument_fts")
    for kind, suffix in (("TRIGGER", "_insert"), ("TRIGGER", "_delete"), ("TRIGGER", "_update"))
] + ["DROP TABLE IF EXISTS kb_searchword_trigram", "DROP TABLE IF EXISTS kb_searchdocument_fts"]

STATEMENTS = {
    "postgresql": (POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD),
    "sqlite": (SQLITE_FORWARD, SQLITE_BACKWARD),
}


def _run(schema_editor, direction: int) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise RuntimeError(f"Search needs PostgreSQL or SQLite, not {vendor}.")
    for statement in STATEMENTS[vendor][direction]:
        schema_editor.execute(statement, params=None)


def forwards(apps, schema_editor) -> None:
    _run(schema_editor, 0)


def backwards(apps, schema_editor) -> None:
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("kb", "0002_search")]

    operations = [migrations.RunPython(forwards, backwards)]
