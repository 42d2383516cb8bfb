"""The checks a reviewer would make before anything becomes public.

``publication_problems`` lists every problem of one entry in plain words: failures block
publishing, warnings are shown and do not. Every path that publishes (the change form's
button, the list action, a pending revision, a restore) calls it through
kb.curation.workflow; ``manage.py check_content`` runs it over the whole knowledge base.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from kb.curation.evidence import verify_quote
from kb.models import Countermeasure, Entry, Source, Status, Tactic
from kb.models.evidence import QuoteStatus
from kb.models.translations import (
    SOURCE_LANGUAGE,
    column,
    language_name,
    translated_names,
    translation_languages,
)

#: How alike two names must be to be worth a warning (difflib's ratio, on folded names).
NEAR_DUPLICATE_RATIO = 0.9


@dataclass(frozen=True)
class Problem:
    """One thing a reviewer should know before publishing: ``blocking`` failures stop it."""

    message: str
    blocking: bool = True

    def __str__(self) -> str:
        return self.message


def failures(problems: list[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.blocking]


def warnings(problems: list[Problem]) -> list[Problem]:
    return [problem for problem in problems if not problem.blocking]


def publication_problems(entry: Entry, *, publishing: Collection[Entry] = ()) -> list[Problem]:
    """Everything wrong with publishing ``entry`` as its rows stand now. Entries in
    ``publishing`` count as published (they are published in the same step)."""
    also = {(type(other), other.pk) for other in publishing}
    if isinstance(entry, Tactic):
        problems = _tactic_problems(entry, also)
    elif isinstance(entry, Countermeasure):
        problems = _countermeasure_problems(entry, also)
    elif isinstance(entry, Source):
        problems = _source_problems(entry)
    else:  # pragma: no cover - every kind of entry is handled above
        raise TypeError(type(entry))
    return problems + _translation_problems(entry) + _near_duplicates(entry)


def _published_or_publishing(model: type[Entry], also: set) -> Q:
    return Q(status=Status.PUBLISHED) | Q(pk__in=[pk for kind, pk in also if kind is model])


def _citation_problems(entry: Tactic | Countermeasure, also: set) -> list[Problem]:
    problems = []
    citations = list(entry.citations.select_related("source").order_by("position", "pk"))
    usable = Source.objects.filter(_published_or_publishing(Source, also))
    if not citations:
        problems.append(Problem(_("It cites no source: add at least one citation with a quote.")))
    elif not usable.filter(pk__in=[c.source_id for c in citations]).exists():
        problems.append(
            Problem(
                _(
                    "None of its sources is published, so readers would see no reference: "
                    "publish %(sources)s first."
                )
                % {"sources": ", ".join(sorted({f"“{c.source.title}”" for c in citations}))}
            )
        )
    for number, citation in enumerate(citations, start=1):
        if not citation.quote.strip():
            problems.append(
                Problem(
                    _("Citation %(number)s (%(source)s) has no quote.")
                    % {"number": number, "source": citation.source.title}
                )
            )
            continue
        check = verify_quote(citation.source, citation.quote)
        if check.status == QuoteStatus.NOT_FOUND:
            problems.append(
                Problem(
                    _(
                        "The quote of citation %(number)s is not in the stored text of "
                        "“%(source)s”: copy it again, word for word."
                    )
                    % {"number": number, "source": citation.source.title}
                )
            )
    return problems


def _tactic_problems(tactic: Tactic, also: set) -> list[Problem]:
    problems = []
    if not tactic.summary.strip():
        problems.append(Problem(_("It has no summary.")))
    if tactic.category_id is None:
        problems.append(Problem(_("It has no category.")))
    if not tactic.stages.exists():
        problems.append(
            Problem(_("It has no stage: the matrix would count it but show it nowhere."))
        )
    if not tactic.technologies.exists():
        problems.append(Problem(_("It names no technology.")))
    problems += _citation_problems(tactic, also)
    if not tactic.mitigations.filter(
        countermeasure__in=Countermeasure.objects.filter(
            _published_or_publishing(Countermeasure, also)
        )
    ).exists():
        problems.append(Problem(_("No published countermeasure counters it yet."), blocking=False))
    return problems


def _countermeasure_problems(countermeasure: Countermeasure, also: set) -> list[Problem]:
    problems = []
    if not countermeasure.summary.strip():
        problems.append(Problem(_("It has no summary.")))
    if not countermeasure.response_kind:
        problems.append(Problem(_("It has no kind of response.")))
    if not countermeasure.mitigations.filter(
        tactic__in=Tactic.objects.filter(_published_or_publishing(Tactic, also))
    ).exists():
        problems.append(Problem(_("It counters no published tactic.")))
    problems += _citation_problems(countermeasure, also)
    return problems


def _source_problems(source: Source) -> list[Problem]:
    problems = []
    if not source.title.strip():
        problems.append(Problem(_("It has no title.")))
    if not source.publisher.strip():
        problems.append(Problem(_("It names no publisher.")))
    if not source.kind:
        problems.append(Problem(_("It has no kind (news, government report…).")))
    if not (source.published_on and source.date_precision) and not source.dateline.strip():
        problems.append(
            Problem(
                _(
                    "It has no date: give the date and how much of it is known, or the "
                    "date exactly as the source prints it."
                )
            )
        )
    if not (source.url or source.archive_url):
        problems.append(
            Problem(_("It has no link or archived copy: readers cannot check it."), blocking=False)
        )
    return problems


def _translation_problems(entry: Entry) -> list[Problem]:
    """A translation with a name but no summary, or a summary but no name: its page would
    be half in one language, half in English."""
    if not {"name", "summary"} <= set(translated_names(entry)):
        return []
    problems = []
    for language in translation_languages():
        name = getattr(entry, column("name", language)).strip()
        summary = getattr(entry, column("summary", language)).strip()
        if name and not summary:
            problems.append(
                Problem(
                    _(
                        "Its %(language)s translation has a name but no summary: translate "
                        "the summary too, or remove the name."
                    )
                    % {"language": language_name(language)}
                )
            )
        elif summary and not name:
            problems.append(
                Problem(
                    _(
                        "Its %(language)s translation has a summary but no name: translate "
                        "the name too, or remove the summary."
                    )
                    % {"language": language_name(language)}
                )
            )
    return problems


def _folded(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


def _near_duplicates(entry: Entry) -> list[Problem]:
    """A warning for each other public or pending entry of the same kind whose name is
    almost the same: the same thing entered twice."""
    model = type(entry)
    name_field = "title" if model is Source else column("name", SOURCE_LANGUAGE)
    others = (
        model._default_manager.exclude(pk=entry.pk)
        .exclude(status__in=[Status.RETIRED, Status.WITHDRAWN])
        .values_list(name_field, "public_id")
    )
    by_folded_name: dict[str, list[tuple[str, str]]] = {}
    for other, public_id in others:
        by_folded_name.setdefault(_folded(other), []).append((public_id, other))
    # get_close_matches rules most names out with its cheap upper bounds before comparing.
    close = difflib.get_close_matches(
        _folded(getattr(entry, name_field)), by_folded_name, n=5, cutoff=NEAR_DUPLICATE_RATIO
    )
    return [
        Problem(
            _("Its name is almost the same as %(id)s “%(name)s”.")
            % {"id": public_id, "name": other},
            blocking=False,
        )
        for folded in close
        for public_id, other in by_folded_name[folded]
    ]
