"""The translation check counts what GNU msgfmt counts: untranslated and fuzzy strings fail
the build, whatever warnings come first."""

from __future__ import annotations

from pathlib import Path

from kb.management.commands.check_messages import catalog_statistics

HEADER = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

"""


def write(tmp_path: Path, body: str) -> Path:
    po_file = tmp_path / "django.po"
    po_file.write_text(HEADER + body, encoding="utf-8")
    return po_file


def test_a_complete_catalogue_counts_only_translated_strings(tmp_path):
    po_file = write(tmp_path, 'msgid "Tactics"\nmsgstr "Tácticas"\n')
    assert catalog_statistics(po_file) == (1, 0, 0)


def test_untranslated_and_fuzzy_strings_are_counted(tmp_path):
    po_file = write(
        tmp_path,
        'msgid "Tactics"\nmsgstr ""\n\n#, fuzzy\nmsgid "Sources"\nmsgstr "Fuentes"\n\n'
        'msgid "Matrix"\nmsgstr "Matriz"\n',
    )
    assert catalog_statistics(po_file) == (1, 1, 1)
