"""Search in each language: one search document per published entry and language, and the
spelling vocabulary per language (kb.search.languages).

PostgreSQL: ``kb_<name>``, a copy of each of PostgreSQL's text search configurations that
also ignores accents (as ``kb_english`` already did: "extorsion" finds "extorsión"); the
trigger builds each document's vector with the configuration the document names
(``search_configuration``: ``kb_spanish`` for a Spanish document), ``kb_simple`` if none.

SQLite: English documents stay in ``kb_searchdocument_fts`` (Porter stemming); every other
language's go to ``kb_searchdocument_fts_unstemmed``, without stemming (``unicode61``,
accents removed). Arabic marks (short vowels, shadda) are letters of a word there, not
separators, and the triggers index the text without them and with the letters carrying a
hamza written plain, as kb.search.text.fold reads a query (``أطفال`` as ``اطفال``); a mark
removed inside a word leaves the words where they were, so highlight() and snippet(),
which read the stored text, mark the words matched. The tables are filled by the triggers
and the statements here, never by FTS5's 'rebuild' (which would index every document in
both, as stored).

Existing documents are English: the other languages' are made by ``manage.py
rebuild_search_index``, which must run after this migration.
"""

import django.db.models.deletion
from django.db import migrations, models

import kb.models.search

ENGLISH = "en"
COLUMNS = ("title", "summary", "keywords", "indicators", "body")
TABLE = "kb_searchdocument"
STEMMED, UNSTEMMED = "kb_searchdocument_fts", "kb_searchdocument_fts_unstemmed"
WORDS, TRIGRAMS = "kb_searchword", "kb_searchword_trigram"

# --- PostgreSQL ----------------------------------------------------------------------------

# A kb_ copy of every configuration PostgreSQL has, its words read without accents first.
POSTGRESQL_CONFIGURATIONS = r"""
DO $$
DECLARE
  configuration record;
  dictionary text;
BEGIN
  FOR configuration IN
    SELECT theirs.cfgname FROM pg_ts_config theirs
    WHERE theirs.cfgnamespace = 'pg_catalog'::regnamespace
      AND NOT EXISTS (
        SELECT 1 FROM pg_ts_config mine WHERE mine.cfgname = 'kb_' || theirs.cfgname
      )
  LOOP
    SELECT d.dictname INTO dictionary
    FROM pg_ts_config_map m
      JOIN pg_ts_config c ON c.oid = m.mapcfg
      JOIN pg_ts_dict d ON d.oid = m.mapdict
    WHERE c.cfgname = configuration.cfgname
      AND m.maptokentype = (SELECT tokid FROM ts_token_type('default') WHERE alias = 'word')
    ORDER BY m.mapseqno DESC LIMIT 1;
    EXECUTE format('CREATE TEXT SEARCH CONFIGURATION %I (COPY = pg_catalog.%I)',
                   'kb_' || configuration.cfgname, configuration.cfgname);
    EXECUTE format('ALTER TEXT SEARCH CONFIGURATION %I
                    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, %I',
                   'kb_' || configuration.cfgname, dictionary);
  END LOOP;
END $$
"""
POSTGRESQL_DROP_CONFIGURATIONS = r"""
DO $$
DECLARE configuration record;
BEGIN
  FOR configuration IN
    SELECT cfgname FROM pg_ts_config WHERE starts_with(cfgname, 'kb_') AND cfgname <> 'kb_english'
  LOOP
    EXECUTE format('DROP TEXT SEARCH CONFIGURATION IF EXISTS %I', configuration.cfgname);
  END LOOP;
END $$
"""
VECTOR_FUNCTION = """CREATE OR REPLACE FUNCTION kb_searchdocument_vector() RETURNS trigger
   LANGUAGE plpgsql AS $$
   DECLARE
     configuration regconfig := {configuration};
   BEGIN
     NEW.search_vector :=
       setweight(to_tsvector(configuration, coalesce(NEW.title, '')), 'A') ||
       setweight(to_tsvector(configuration, coalesce(NEW.summary, '')), 'B') ||
       setweight(to_tsvector(configuration, coalesce(NEW.keywords, '')), 'B') ||
       setweight(to_tsvector(configuration, coalesce(NEW.indicators, '')), 'C') ||
       setweight(to_tsvector(configuration, coalesce(NEW.body, '')), 'D');
     NEW.phrase_vector := kb_adjacent_pairs(NEW.search_vector);
     RETURN NEW;
   END $$"""
POSTGRESQL_FORWARD = [
    POSTGRESQL_CONFIGURATIONS,
    VECTOR_FUNCTION.format(
        configuration="coalesce(nullif(NEW.search_configuration, ''), 'kb_simple')::regconfig"
    ),
]
POSTGRESQL_BACKWARD = [
    VECTOR_FUNCTION.format(configuration="'kb_english'::regconfig"),
    POSTGRESQL_DROP_CONFIGURATIONS,
]

# --- SQLite --------------------------------------------------------------------------------

# What kb.search.text.fold does to Arabic letters and marks: letters carrying a hamza or a
# madda are written plain, short vowels, shadda, sukun and the superscript alef removed.
ARABIC_PLAIN = {
    "\u0622": "\u0627",
    "\u0623": "\u0627",
    "\u0625": "\u0627",
    "\u0624": "\u0648",
    "\u0626": "\u064a",
    **{chr(mark): "" for mark in range(0x064B, 0x0656)},
    "\u0670": "",
}
# Marks are letters of a word (Mn), not separators: "تتبّع" is one word.
UNSTEMMED_TOKENIZER = "unicode61 remove_diacritics 2 categories 'L* N* Co Mn'"
STEMMED_TOKENIZER = "porter unicode61 remove_diacritics 2"


def _plain(expression: str) -> str:
    for letter, plain in ARABIC_PLAIN.items():
        expression = f"replace({expression}, '{letter}', '{plain}')"
    return expression


def _fts(index: str, tokenizer: str, condition: str, normalize) -> list[str]:
    """An external-content FTS5 index over the documents that meet ``condition`` (on
    ``{row}.language``), the triggers that keep it in step, and its first filling."""
    columns = ", ".join(COLUMNS)

    def values(row: str) -> str:
        return ", ".join(normalize(f"{row}.{column}") for column in COLUMNS)

    def holds(row: str) -> str:
        return condition.format(row=row)

    return [
        f"""CREATE VIRTUAL TABLE {index} USING fts5({columns}, content='{TABLE}',
            content_rowid='id', tokenize="{tokenizer}")""",
        f"""CREATE TRIGGER {index}_insert AFTER INSERT ON {TABLE} BEGIN
              INSERT INTO {index}(rowid, {columns})
                SELECT new.id, {values("new")} WHERE {holds("new")};
            END""",
        f"""CREATE TRIGGER {index}_delete AFTER DELETE ON {TABLE} BEGIN
              INSERT INTO {index}({index}, rowid, {columns})
                SELECT 'delete', old.id, {values("old")} WHERE {holds("old")};
            END""",
        f"""CREATE TRIGGER {index}_update AFTER UPDATE ON {TABLE} BEGIN
              INSERT INTO {index}({index}, rowid, {columns})
                SELECT 'delete', old.id, {values("old")} WHERE {holds("old")};
              INSERT INTO {index}(rowid, {columns})
                SELECT new.id, {values("new")} WHERE {holds("new")};
            END""",
        f"""INSERT INTO {index}(rowid, {columns})
              SELECT id, {values(TABLE)} FROM {TABLE} WHERE {holds(TABLE)}""",
    ]


def _drop(index: str) -> list[str]:
    return [
        *(f"DROP TRIGGER IF EXISTS {index}_{event}" for event in ("insert", "delete", "update")),
        f"DROP TABLE IF EXISTS {index}",
    ]


def _trigram_triggers() -> list[str]:
    """The triggers that keep the vocabulary's trigram index in step (migration 0003), made
    again after the vocabulary's table was (a column added or changed makes it anew)."""
    index, table = TRIGRAMS, WORDS
    return [
        *(f"DROP TRIGGER IF EXISTS {index}_{event}" for event in ("insert", "delete", "update")),
        f"""CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN
              INSERT INTO {index}(rowid, word) VALUES (new.id, new.word);
            END""",
        f"""CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN
              INSERT INTO {index}({index}, rowid, word) VALUES ('delete', old.id, old.word);
            END""",
        f"""CREATE TRIGGER {index}_update AFTER UPDATE ON {table} BEGIN
              INSERT INTO {index}({index}, rowid, word) VALUES ('delete', old.id, old.word);
              INSERT INTO {index}(rowid, word) VALUES (new.id, new.word);
            END""",
        f"INSERT INTO {index}({index}) VALUES ('rebuild')",
    ]


def _as_stored(expression: str) -> str:
    return expression


SQLITE_BEFORE = [
    *_drop(STEMMED),
    *(f"DROP TRIGGER IF EXISTS {TRIGRAMS}_{event}" for event in ("insert", "delete", "update")),
]
SQLITE_FORWARD = [
    *_fts(STEMMED, STEMMED_TOKENIZER, f"{{row}}.language = '{ENGLISH}'", _as_stored),
    *_fts(UNSTEMMED, UNSTEMMED_TOKENIZER, f"{{row}}.language <> '{ENGLISH}'", _plain),
    *_trigram_triggers(),
]
SQLITE_BACKWARD = [*_drop(UNSTEMMED), *_drop(STEMMED)]
# As migration 0012 left them: every document in the English index.
SQLITE_RESTORE = [
    *_fts(STEMMED, STEMMED_TOKENIZER, "1", _as_stored),
    *_trigram_triggers(),
]


def _run(schema_editor, postgresql: list[str], sqlite: list[str]) -> None:
    statements = {"postgresql": postgresql, "sqlite": sqlite}[schema_editor.connection.vendor]
    for statement in statements:
        schema_editor.execute(statement, params=None)


def before(apps, schema_editor) -> None:
    _run(schema_editor, [], SQLITE_BEFORE)


def restore(apps, schema_editor) -> None:
    _run(schema_editor, [], SQLITE_RESTORE)


def forwards(apps, schema_editor) -> None:
    _run(schema_editor, POSTGRESQL_FORWARD, SQLITE_FORWARD)


def backwards(apps, schema_editor) -> None:
    _run(schema_editor, POSTGRESQL_BACKWARD, SQLITE_BACKWARD)


def keep_english_only(apps, schema_editor) -> None:
    """Going back to one document per entry: the English ones stay."""
    apps.get_model("kb", "SearchDocument").objects.exclude(language=ENGLISH).delete()
    apps.get_model("kb", "SearchWord").objects.exclude(language=ENGLISH).delete()


class Migration(migrations.Migration):
    dependencies = [("kb", "0018_translations")]

    # On SQLite the triggers that keep the FTS5 tables in step name the tables' columns, and
    # changing a column makes the table anew, which drops them: they are dropped first and
    # made again at the end (backwards too).
    operations = [
        migrations.RunPython(before, restore),
        migrations.CreateModel(
            name="UnstemmedIndexRow",
            fields=[
                (
                    "document",
                    models.OneToOneField(
                        db_column="rowid",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="unstemmed_index_row",
                        serialize=False,
                        to="kb.searchdocument",
                    ),
                ),
                (
                    "index",
                    kb.models.search.FTS5IndexColumn(db_column="kb_searchdocument_fts_unstemmed"),
                ),
            ],
            options={"db_table": "kb_searchdocument_fts_unstemmed", "managed": False},
        ),
        migrations.RemoveIndex(model_name="searchdocument", name="searchdocument_kind_title_idx"),
        migrations.AddField(
            model_name="searchdocument",
            name="language",
            field=models.CharField(default=ENGLISH, max_length=12),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="search_configuration",
            field=models.CharField(blank=True, default="kb_english", editable=False, max_length=63),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="searchword",
            name="language",
            field=models.CharField(default=ENGLISH, max_length=12),
            preserve_default=False,
        ),
        *(
            migrations.AlterField(
                model_name="searchdocument",
                name=kind,
                field=models.ForeignKey(
                    db_index=False,
                    null=True,
                    on_delete=django.db.models.deletion.CASCADE,
                    related_name="search_documents",
                    to=f"kb.{kind}",
                ),
            )
            for kind in ("countermeasure", "source", "tactic")
        ),
        migrations.AlterField(
            model_name="searchword", name="word", field=models.CharField(max_length=64)
        ),
        migrations.AddIndex(
            model_name="searchdocument",
            index=models.Index(
                fields=["language", "kind", "title"], name="searchdocument_lang_kind_idx"
            ),
        ),
        *(
            migrations.AddConstraint(
                model_name="searchdocument",
                constraint=models.UniqueConstraint(
                    fields=(kind, "language"), name=f"kb_searchdocument_one_per_{kind}_language"
                ),
            )
            for kind in ("tactic", "countermeasure", "source")
        ),
        migrations.AddConstraint(
            model_name="searchword",
            constraint=models.UniqueConstraint(
                fields=("language", "word"), name="kb_searchword_language_word"
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, keep_english_only),
        migrations.RunPython(forwards, backwards),
    ]
