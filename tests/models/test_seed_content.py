"""The seed knowledge base shipped in fixtures/: loads on either database, and every entry
is published, traceable to a quote, and reachable."""

import pytest
from django.core.management import call_command

from kb.models import Citation, Countermeasure, Source, Status, Tactic

from ..factories import make_tactic

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    call_command("seed", verbosity=0)


def test_seed_loads_tactics_countermeasures_and_sources(seeded):
    assert Tactic.objects.count() >= 9
    assert Countermeasure.objects.exists()
    assert Source.objects.count() == 2


def test_every_seed_entry_is_published(seeded):
    for model in (Tactic, Countermeasure, Source):
        assert set(model.objects.values_list("status", flat=True)) == {Status.PUBLISHED}


def test_every_seed_tactic_cites_a_source_with_a_quote(seeded):
    for tactic in Tactic.objects.prefetch_related("citations", "indicators"):
        citations = list(tactic.citations.all())
        assert citations, f"{tactic.public_id} cites nothing"
        assert all(c.quote.strip() and c.locator for c in citations), tactic.public_id
        assert tactic.summary.strip() and tactic.indicators.exists(), tactic.public_id


def test_every_seed_countermeasure_cites_a_source(seeded):
    for countermeasure in Countermeasure.objects.all():
        assert countermeasure.citations.exists(), countermeasure.public_id


def test_no_quote_is_repeated_within_one_entry(seeded):
    for tactic in Tactic.objects.all():
        quotes = list(tactic.citations.values_list("quote", flat=True))
        assert len(quotes) == len(set(quotes)), tactic.public_id


def test_every_seed_page_renders(seeded, reader):
    entries = [*Tactic.objects.all(), *Countermeasure.objects.all(), *Source.objects.all()]
    for entry in entries:
        assert reader.get(entry.get_absolute_url()).status_code == 200, entry.public_id
    for url in ("/", "/tactics/", "/countermeasures/", "/sources/"):
        assert reader.get(url).status_code == 200


def test_seed_never_overwrites_curated_content(seeded, capsys):
    Tactic.objects.filter(public_id="TT-0001").update(name_en="Renamed by an admin")
    call_command("seed")
    assert "skipped" in capsys.readouterr().out
    assert Tactic.objects.get(public_id="TT-0001").name == "Renamed by an admin"
    assert Citation.objects.filter(tactic__public_id="TT-0001").exists()


def test_new_entries_after_the_seed_get_fresh_ids(seeded):
    assert make_tactic().public_id == f"TT-{Tactic.objects.count():04d}"


def test_the_seeds_history_says_its_other_languages_translate_the_english(seeded):
    first = Tactic.objects.get(public_id="TT-0001").history.earliest()
    assert "translate the English" in first.history_change_reason
