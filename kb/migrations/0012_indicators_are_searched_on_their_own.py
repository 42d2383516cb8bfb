"""A tactic's indicators (red flags) become search text of their own, weighed between its
summary and its description, instead of part of the body.

PostgreSQL: the trigger writes the vector with the weights title A, summary and keywords B,
indicators C, body (description and quotes) D. SQLite: the FTS5 table is made again with an
``indicators`` column. Existing documents get their tactic's indicators; their bodies keep
them too until the entry is next saved or ``rebuild_search_index`` runs, which only means a
red flag is also found as a mention.
"""

from django.db import migrations, models

VECTOR_FUNCTION = """CREATE OR REPLACE FUNCTION kb_searchdocument_vector() RETURNS trigger
   LANGUAGE plpgsql AS $$
   BEGIN
     NEW.search_vector :=
       setweight(to_tsvector('kb_english', coalesce(NEW.title, '')), 'A') ||
       setweight(to_tsvector('kb_english', coalesce(NEW.summary, '')), 'B') ||
       setweight(to_tsvector('kb_english', coalesce(NEW.keywords, '')), 'B') ||
       {indicators}
       setweight(to_tsvector('kb_english', coalesce(NEW.body, '')), '{body_weight}');
     NEW.phrase_vector := kb_adjacent_pairs(NEW.search_vector);
     RETURN NEW;
   END $$"""
POSTGRESQL_FORWARD = [
    VECTOR_FUNCTION.format(
        indicators="setweight(to_tsvector('kb_english', coalesce(NEW.indicators, '')), 'C') ||",
        body_weight="D",
    )
]
POSTGRESQL_BACKWARD = [VECTOR_FUNCTION.format(indicators="", body_weight="C")]


INDEX, TABLE = "kb_searchdocument_fts", "kb_searchdocument"
SQLITE_DROP = [
    *(f"DROP TRIGGER IF EXISTS {INDEX}_{event}" for event in ("insert", "delete", "update")),
    f"DROP TABLE IF EXISTS {INDEX}",
]


def _fts(columns: str) -> list[str]:
    new = ", ".join(f"new.{c.strip()}" for c in columns.split(","))
    old = ", ".join(f"old.{c.strip()}" for c in columns.split(","))
    index, table = INDEX, TABLE
    return [
        *SQLITE_DROP,
        f"""CREATE VIRTUAL TABLE {index} USING fts5({columns}, content='{table}',
            content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')""",
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


SQLITE_FORWARD = _fts("title, summary, keywords, indicators, body")
SQLITE_BACKWARD = _fts("title, summary, keywords, body")


def _run(schema_editor, postgresql: list[str], sqlite: list[str]) -> None:
    statements = {"postgresql": postgresql, "sqlite": sqlite}[schema_editor.connection.vendor]
    for statement in statements:
        schema_editor.execute(statement, params=None)


def copy_indicators(apps, schema_editor) -> None:
    Indicator = apps.get_model("kb", "Indicator")
    SearchDocument = apps.get_model("kb", "SearchDocument")
    texts: dict[int, list[str]] = {}
    for tactic, text in Indicator.objects.order_by("position", "pk").values_list("tactic", "text"):
        texts.setdefault(tactic, []).append(text)
    for document in SearchDocument.objects.filter(tactic__in=texts).only("pk", "tactic_id"):
        indicators = "\n".join(texts[document.tactic_id]).replace("\ue000", "").replace("\ue001", "")
        SearchDocument.objects.filter(pk=document.pk).update(indicators=indicators)


class Migration(migrations.Migration):
    dependencies = [("kb", "0011_content_version_row")]

    # On SQLite the triggers that keep the FTS5 table in step name the document's columns:
    # they are dropped before the column goes (backwards) and made again after it came or
    # went (a column added or removed may also make the table anew, which drops them).
    operations = [
        migrations.RunPython(
            migrations.RunPython.noop,
            lambda apps, editor: _run(editor, [], SQLITE_BACKWARD),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="indicators",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(
            lambda apps, editor: _run(editor, POSTGRESQL_FORWARD, SQLITE_FORWARD),
            lambda apps, editor: _run(editor, POSTGRESQL_BACKWARD, SQLITE_DROP),
        ),
        migrations.RunPython(copy_indicators, migrations.RunPython.noop),
    ]
