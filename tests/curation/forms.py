"""The admin's forms as a browser posts them: an entry's fields and its inline rows."""

from __future__ import annotations

from kb.models import Stage, Tactic
from kb.models.translations import SOURCE_LANGUAGE, column

from ..factories import make_term


def inline_management(prefix: str, total: int) -> dict:
    """The management fields of an inline formset with ``total`` new rows."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def new_tactic_form(category, technology, source, countermeasure, stage=None, **extra) -> dict:
    """The add form of a new tactic that passes the publication checks: a category, a stage
    (``stage``, or a new one), a technology, one indicator, citation and countermeasure link."""
    stage = stage or make_term(Stage)
    return {
        "name_en": "Fake modelling agency",
        "slug": "fake-modelling-agency",
        "summary_en": "A website offering modelling work that does not exist.",
        "description_en": "Described in **Markdown**.",
        "category": category.pk,
        "technologies": [technology.pk],
        "stages": [stage.pk],
        **inline_management("indicators", 1),
        "indicators-0-text_en": "The agency cannot be found anywhere else.",
        "indicators-0-position": "0",
        **inline_management("citations", 1),
        "citations-0-source": source.pk,
        "citations-0-quote": "Traffickers create fake business websites",
        "citations-0-locator": "paragraph 6",
        "citations-0-position": "0",
        **inline_management("mitigations", 1),
        "mitigations-0-countermeasure": countermeasure.pk,
        "mitigations-0-note_en": "Seizing the servers takes the site down.",
        **extra,
    }


def admin_form(tactic: Tactic, **extra) -> dict:
    """The change form of ``tactic`` as it stands, with no new inline rows; ``extra``
    changes it, a translated field named plainly (``summary=``) being its English."""
    extra = {
        (column(name, SOURCE_LANGUAGE) if name in Tactic.TRANSLATED_FIELDS else name): value
        for name, value in extra.items()
    }
    return {
        "name_en": tactic.name,
        "slug": tactic.slug,
        "summary_en": tactic.summary,
        "description_en": tactic.description,
        "category": tactic.category_id,
        **{
            terms: list(getattr(tactic, terms).values_list("pk", flat=True))
            for terms in ("technologies", "platforms", "stages", "target_groups")
        },
        **inline_management("indicators", 0),
        **inline_management("citations", 0),
        **inline_management("mitigations", 0),
        **extra,
    }


def publish_pending_revision(client, entry, step: str = "publish_revision", **extra):
    """Take ``step`` on ``entry``'s pending revision from its review page, as a reviewer's
    button does; the response, followed."""
    kind = type(entry)._meta.model_name
    return client.post(
        f"/admin/kb/{kind}/{entry.pk}/revision/", {"_transition": step, **extra}, follow=True
    )
