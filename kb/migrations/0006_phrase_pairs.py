"""PostgreSQL: an index of adjacent word pairs, so phrase searches stay fast.

A GIN index on tsvectors holds no positions, so ``'job' <-> 'offer'`` is answered by
fetching every document containing both words and re-checking each vector: at 10,000
tactics, "fake job offer" (with its synonyms) re-checked 10,000 documents to keep 500.
``phrase_vector`` holds, for each document, every pair of lexemes at adjacent positions of
``search_vector`` (``'job offer'``) plus ``'*'``, which every document has. A phrase query
first narrows to documents holding its pairs through this column's GIN index; the exact
phrase match on ``search_vector`` then checks only those. The column is a superset filter
computed from the very positions ``<->`` compares, so results are exactly the same.

The column is PostgreSQL's alone (not a model field, so the ORM never loads it), stored
out of line uncompressed (EXTERNAL): it is only read through its index.
SQLite's FTS5 keeps positions in its index and needs none of this.
"""

from django.db import migrations

VECTOR_FUNCTION = """CREATE OR REPLACE FUNCTION kb_searchdocument_vector() RETURNS trigger
   LANGUAGE plpgsql AS $$
   BEGIN
     NEW.search_vector :=
       setweight(to_tsvector('kb_english', coalesce(NEW.title, '')), 'A') ||
       setweight(to_tsvector('kb_english', coalesce(NEW.summary, '')), 'B') ||
       setweight(to_tsvector('kb_english', coalesce(NEW.keywords, '')), 'B') ||
       setweight(to_tsvector('kb_english', coalesce(NEW.body, '')), 'C');
     {phrase_vector}
     RETURN NEW;
   END $$"""

FORWARD = [
    """CREATE FUNCTION kb_adjacent_pairs(vector tsvector) RETURNS tsvector
       LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
         SELECT array_to_tsvector(array_agg(DISTINCT pair))
         FROM (
           SELECT first.lexeme || ' ' || second.lexeme AS pair
           FROM (SELECT lexeme, unnest(positions) AS position FROM unnest(vector)) first
           JOIN (SELECT lexeme, unnest(positions) AS position FROM unnest(vector)) second
             ON second.position = first.position + 1
           UNION ALL SELECT '*'
         ) pairs
       $$""",
    # The narrowing tsquery for a search. ``clauses`` is a JSON list of clauses, each a list
    # of phrases (any of which satisfies it); the clauses must all hold, or with
    # ``any_clause`` one of them. A phrase needs all its adjacent pairs; a phrase without
    # one (stop words between its words) cannot narrow anything, so its clause matches '*'.
    """CREATE FUNCTION kb_phrase_filter(config regconfig, clauses jsonb, any_clause boolean)
       RETURNS tsquery LANGUAGE sql STABLE PARALLEL SAFE AS $$
         WITH phrases AS (
           SELECT clause.number, phrase.value AS phrase,
                  tsvector_to_array(kb_adjacent_pairs(to_tsvector(config, phrase.value)))
                    AS pairs
           FROM jsonb_array_elements(clauses) WITH ORDINALITY AS clause(value, number),
                jsonb_array_elements_text(clause.value) AS phrase(value)
         ), terms AS (
           SELECT number,
                  CASE WHEN cardinality(pairs) > 1 THEN (
                    SELECT '(' || string_agg(
                      '''' || replace(replace(pair, '\\', '\\\\'), '''', '''''') || '''',
                      ' & ') || ')'
                    FROM unnest(pairs) AS pair WHERE pair <> '*')
                  ELSE '''*''' END AS term
           FROM phrases
         ), narrowed AS (
           SELECT '(' || string_agg(term, ' | ') || ')' AS clause FROM terms GROUP BY number
         )
         SELECT coalesce(
           string_agg(clause, CASE WHEN any_clause THEN ' | ' ELSE ' & ' END), '''*''')::tsquery
         FROM narrowed
       $$""",
    "ALTER TABLE kb_searchdocument ADD COLUMN phrase_vector tsvector",
    "ALTER TABLE kb_searchdocument ALTER COLUMN phrase_vector SET STORAGE EXTERNAL",
    VECTOR_FUNCTION.format(phrase_vector="NEW.phrase_vector := kb_adjacent_pairs(NEW.search_vector);"),
    "UPDATE kb_searchdocument SET phrase_vector = kb_adjacent_pairs(search_vector)",
    "CREATE INDEX kb_searchdocument_phrase_idx ON kb_searchdocument USING gin (phrase_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS kb_searchdocument_phrase_idx",
    VECTOR_FUNCTION.format(phrase_vector=""),
    "ALTER TABLE kb_searchdocument DROP COLUMN IF EXISTS phrase_vector",
    "DROP FUNCTION IF EXISTS kb_phrase_filter(regconfig, jsonb, boolean)",
    "DROP FUNCTION IF EXISTS kb_adjacent_pairs(tsvector)",
]


def _run(schema_editor, statements: list[str]) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in statements:
            schema_editor.execute(statement, params=None)


def forwards(apps, schema_editor) -> None:
    _run(schema_editor, FORWARD)


def backwards(apps, schema_editor) -> None:
    _run(schema_editor, BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("kb", "0005_content_version")]

    operations = [migrations.RunPython(forwards, backwards)]
