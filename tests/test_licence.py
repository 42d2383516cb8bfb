"""The licences: one definition, stated the same way everywhere."""

import tomllib
from pathlib import Path

from django.utils import translation

from kb.licence import CODE_LICENCE, CONTENT_LICENCE, content_licence_statement

ROOT = Path(__file__).resolve().parent.parent


def test_content_is_cc_by_4_at_the_licences_own_address():
    assert CONTENT_LICENCE.spdx == "CC-BY-4.0"
    assert CONTENT_LICENCE.url == "https://creativecommons.org/licenses/by/4.0/"
    assert CONTENT_LICENCE.as_dict() == {
        "name": "Creative Commons Attribution 4.0 International",
        "spdx": "CC-BY-4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }


def test_statement_for_downloads_is_english_and_leaves_quotes_to_their_publishers():
    with translation.override("es"):
        statement = content_licence_statement("kb")
    assert CONTENT_LICENCE.url in statement
    assert "Quotes from sources are the sources' own words" in statement


def test_the_repository_licence_file_and_pyproject_name_the_code_licence():
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == {"text": CODE_LICENCE.spdx}
