"""python -m bench demo_data, python -m bench search and the pages python -m bench load
drives, at small sizes."""

import pytest
from django.core.management import CommandError, call_command
from django.utils.html import escape

from bench.commands.demo_data import VERSION_NOTE
from bench.commands.demo_data import Command as GenerateDemoData
from bench.commands.load import Command as LoadBenchmark
from bench.commands.search import Command as SearchBenchmark
from kb.models import (
    Citation,
    Countermeasure,
    Indicator,
    Mitigation,
    PublicIdCounter,
    PublishedVersion,
    SearchDocument,
    Source,
    Status,
    Tactic,
)
from kb.models.translations import content_languages

from ..factories import make_tactic

pytestmark = pytest.mark.django_db

SMALL = {"tactics": 40, "sources": 60, "citations": 200, "verbosity": 0}


def test_generates_the_requested_sizes_with_a_search_index(capsys):
    call_command(GenerateDemoData(), **SMALL)
    assert Tactic.objects.count() == 40
    assert Countermeasure.objects.count() == 10  # a quarter of the tactics by default
    assert Source.objects.count() == 60
    assert Citation.objects.count() == 200
    published = sum(m.objects.published().count() for m in (Tactic, Countermeasure, Source))
    # One search document per published entry in each language.
    assert SearchDocument.objects.count() == published * len(content_languages())
    assert "Generated 40 tactics" in capsys.readouterr().out


def test_generated_content_is_marked_and_mostly_published():
    call_command(GenerateDemoData(), **SMALL)
    assert not Tactic.objects.exclude(slug__startswith="demo-").exists()
    statuses = set(Tactic.objects.values_list("status", flat=True))
    assert Status.PUBLISHED in statuses
    assert Tactic.objects.published().count() > 30


def test_same_seed_gives_the_same_content():
    call_command(GenerateDemoData(), **SMALL, seed=7)
    first = list(Tactic.objects.order_by("pk").values_list("name_en", flat=True))
    call_command(GenerateDemoData(), **SMALL, seed=7, replace=True)
    assert list(Tactic.objects.order_by("pk").values_list("name_en", flat=True)) == first


def test_refuses_a_database_with_curated_content():
    make_tactic("Curated entry")
    with pytest.raises(CommandError, match="curated entries"):
        call_command(GenerateDemoData(), **SMALL)
    assert Tactic.objects.count() == 1
    call_command(GenerateDemoData(), **SMALL, allow_real_content=True)
    assert Tactic.objects.filter(name_en="Curated entry").exists()


def test_refuses_to_duplicate_demo_content_unless_replacing():
    call_command(GenerateDemoData(), **SMALL)
    with pytest.raises(CommandError, match="--replace"):
        call_command(GenerateDemoData(), **SMALL)
    call_command(GenerateDemoData(), **SMALL, replace=True)
    assert Tactic.objects.count() == 40


def test_generated_ids_are_reserved():
    call_command(GenerateDemoData(), **SMALL)
    assert PublicIdCounter.objects.get(prefix="TT").last_number == 40
    assert make_tactic().public_id == "TT-0041"


def test_published_demo_entries_have_a_version_page_as_published(reader):
    call_command(GenerateDemoData(), **SMALL)
    for model in (Tactic, Countermeasure, Source):
        published = model.objects.published()
        versions = PublishedVersion.objects.filter(**{f"{model._meta.model_name}__in": published})
        assert set(versions.values_list("number", flat=True)) == {1}
        assert versions.count() == published.count()
        assert not model.objects.exclude(status=Status.PUBLISHED).filter(versions__isnull=False)

    tactic = (
        Tactic.objects.published()
        .filter(citations__source__status=Status.PUBLISHED, stages__isnull=False)
        .first()
    )
    page = reader.get(tactic.versions.get().get_absolute_url())
    assert page.status_code == 200
    text = page.text
    assert escape(tactic.name) in text
    # The version says it is demo data where editors look (readers see what changed).
    assert tactic.versions.get().note == VERSION_NOTE
    assert all(escape(stage.name) in text for stage in tactic.stages.all())
    assert all(escape(indicator.text) in text for indicator in tactic.indicators.all())
    published_quotes = tactic.citations.filter(source__status=Status.PUBLISHED)
    assert all(escape(citation.quote) in text for citation in published_quotes)
    links = tactic.mitigations.filter(countermeasure__status=Status.PUBLISHED)
    assert all(escape(link.countermeasure.name) in text for link in links)
    for model in (Countermeasure, Source):
        version = model.objects.published().first().versions.get()
        assert reader.get(version.get_absolute_url()).status_code == 200


def test_replacing_demo_content_replaces_its_history():
    call_command(GenerateDemoData(), **SMALL)
    call_command(GenerateDemoData(), **SMALL, replace=True)
    for model in (Tactic, Countermeasure, Source, Indicator, Mitigation, Citation):
        assert model.history.count() == model.objects.count(), model.__name__
    stages = Tactic.history.model.stages.model.objects  # the history of tactics' stages
    assert stages.count() == Tactic.stages.through.objects.count()
    assert PublishedVersion.objects.count() == sum(
        m.objects.published().count() for m in (Tactic, Countermeasure, Source)
    )


def test_every_page_the_load_benchmark_drives_answers(reader):
    call_command(GenerateDemoData(), **SMALL)
    pages = LoadBenchmark().pages()
    assert "version page" in pages and len(pages["version page"]) > 30
    for urls in pages.values():
        for url in urls[:5]:
            assert reader.get(url).status_code == 200, url


def test_bench_search_reports_figures(capsys):
    with pytest.raises(CommandError, match="demo_data"):
        call_command(SearchBenchmark(), rounds=1)
    call_command(GenerateDemoData(), **SMALL)
    call_command(SearchBenchmark(), rounds=2)
    output = capsys.readouterr().out
    assert "median ms" in output and "all queries" in output
