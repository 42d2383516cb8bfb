"""Small data factories for the tests.

Each test builds exactly the records it talks about; nothing depends on the seed content
except the tests of the seed content itself.
"""

from __future__ import annotations

import itertools

from kb.models import (
    Category,
    Citation,
    Countermeasure,
    Mitigation,
    PublishedVersion,
    Source,
    Status,
    Tactic,
    record_version,
)

_counter = itertools.count(1)


def _unique(prefix: str) -> str:
    """A name no other record of this run has: ``prefix`` and a number."""
    return f"{prefix}-{next(_counter)}"


def make_term(model: type, name: str | None = None):
    """A vocabulary term (category, technology, platform, stage, group or actor)."""
    name = name or _unique(model.__name__.lower())
    return model.objects.create(name=name, slug=name.lower().replace(" ", "-"))


def make_source(status: str = Status.PUBLISHED, **fields) -> Source:
    """A source, published unless ``status`` says otherwise."""
    title = fields.pop("title", None) or _unique("Source")
    fields.setdefault("slug", title.lower().replace(" ", "-"))
    return Source.objects.create(title=title, status=status, **fields)


def make_tactic(name: str | None = None, status: str = Status.PUBLISHED, **fields) -> Tactic:
    """A tactic; many-to-many terms may be given as lists (technologies=[...])."""
    name = name or _unique("Tactic")
    m2m = {
        key: fields.pop(key)
        for key in ("technologies", "platforms", "stages", "target_groups", "related_tactics")
        if key in fields
    }
    fields.setdefault("slug", name.lower().replace(" ", "-"))
    fields.setdefault("summary", f"Summary of {name}.")
    fields.setdefault("category", fields.get("category") or make_term(Category))
    tactic = Tactic.objects.create(name=name, status=status, **fields)
    for key, values in m2m.items():
        getattr(tactic, key).set(values)
    return tactic


def make_countermeasure(
    name: str | None = None, status: str = Status.PUBLISHED, counters=(), actors=(), **fields
) -> Countermeasure:
    """A countermeasure by ``actors``, countering each tactic in ``counters``."""
    name = name or _unique("Countermeasure")
    fields.setdefault("slug", name.lower().replace(" ", "-"))
    fields.setdefault("summary", f"Summary of {name}.")
    fields.setdefault("response_kind", "detect")
    countermeasure = Countermeasure.objects.create(name=name, status=status, **fields)
    countermeasure.actors.set(actors)
    for tactic in counters:
        Mitigation.objects.create(countermeasure=countermeasure, tactic=tactic, note="How.")
    return countermeasure


def cite(entry: Tactic | Countermeasure, source: Source, quote: str = "A quote.", **fields):
    """A citation of ``source`` in a tactic or countermeasure, with its quote."""
    kind = "tactic" if isinstance(entry, Tactic) else "countermeasure"
    return Citation.objects.create(source=source, quote=quote, **{kind: entry}, **fields)


def publish_change(tactic: Tactic, note: str, **changes) -> PublishedVersion:
    """The tactic saved with ``changes`` and numbered as a new published version."""
    for name, value in changes.items():
        setattr(tactic, name, value)
    tactic._change_reason = note
    tactic.save()
    return record_version(tactic, note)


def complete(entry: Tactic | Countermeasure) -> Tactic | Countermeasure:
    """Give ``entry`` what the publication checks ask for (kb.curation.checks): for a
    tactic a stage, a technology and a citation of a published source; for a countermeasure
    a published tactic it counters and a citation."""
    from kb.models import Stage, Technology

    if isinstance(entry, Tactic):
        entry.stages.add(make_term(Stage))
        entry.technologies.add(make_term(Technology))
    else:
        Mitigation.objects.create(countermeasure=entry, tactic=make_tactic(), note="How.")
    cite(entry, make_source(), "A quote.")
    return entry


def make_help_organisation(name: str | None = None, status: str = Status.DRAFT, **fields):
    """A help organisation (the "Get help" page), a draft unless ``status`` says otherwise,
    citing a published source with a quote unless ``source`` is given."""
    from kb.models import HelpOrganisation

    fields.setdefault("what_they_do", "What they do.")
    if "source" not in fields:
        fields["source"] = make_source()
        fields.setdefault("quote", "A quote.")
    return HelpOrganisation.objects.create(
        name=name or _unique("Organisation"), status=status, **fields
    )
