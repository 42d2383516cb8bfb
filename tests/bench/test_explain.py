"""python -m bench explain: the query plans behind a page."""

import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from bench.commands.explain import Command as Explain

from ..factories import make_tactic

pytestmark = pytest.mark.django_db


def test_it_shows_each_query_of_a_page_with_its_plan(capsys, settings):
    tactic = make_tactic("Lantern")
    url = tactic.get_absolute_url()
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="PostgreSQL"):
            call_command(Explain(), url)
        return
    call_command(Explain(), url)
    output = capsys.readouterr().out
    assert f"== {url} (200," in output
    assert re.search(r"\d+\.\d+ ms\s+SELECT", output)
    assert "Scan" in output
    settings.DEBUG = True  # the command turns it off for its own run; pytest-settings restores
