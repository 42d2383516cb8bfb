"""One change between two published versions of an entry, said in the reader's words and
language: "Summary rewritten", "2 red flags added", "Source added: “…”", "Translated into
Spanish"."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext as _

#: Changes that concern only a translation, not the English text.
TRANSLATION_CHANGES = frozenset(
    {
        "translated",
        "translation_updated",
        "translation_removed",
        "quote_translated",
        "quote_translation_updated",
    }
)


def language_in_words(code: str) -> str:
    """The language's name in the reader's language ("Spanish", "espagnol")."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


@dataclass(frozen=True)
class Change:
    """One thing a published version changed: ``what`` (a kind below), how many, in which
    language (translations), and the name it concerns (a source's title, a linked entry)."""

    what: str
    count: int = 1
    language: str = ""
    name: str = ""

    @property
    def is_translation(self) -> bool:
        """Whether the change concerns a translation only."""
        return self.what in TRANSLATION_CHANGES

    def __str__(self) -> str:
        return self.words()

    def words(self) -> str:
        """The change in the active language."""
        n, values = self.count, {"count": self.count, "name": self.name}
        if self.language:
            values["language"] = language_in_words(self.language)
        said = {
            "first_published": lambda: _("First published"),
            "unchanged": lambda: _("Published again, its text unchanged"),
            "english_unchanged": lambda: _("The English text is unchanged"),
            "not_recorded": lambda: _("What changed was not recorded"),
            "renamed": lambda: _("Renamed (it was “%(name)s”)"),
            "title": lambda: _("Title corrected (it was “%(name)s”)"),
            "summary_added": lambda: _("Summary added"),
            "summary": lambda: _("Summary rewritten"),
            "description_added": lambda: _("Description added"),
            "description": lambda: _("Description rewritten"),
            "category": lambda: _("Moved to another category"),
            "response_kind": lambda: _("Kind of response changed"),
            "terms": lambda: _("Classification changed: %(name)s"),
            "details": lambda: _("Publication details corrected"),
            "red_flag_added": lambda: ngettext("New red flag", "%(count)d new red flags", n),
            "red_flag_removed": lambda: ngettext(
                "Red flag removed", "%(count)d red flags removed", n
            ),
            "red_flag_reworded": lambda: ngettext(
                "Red flag reworded", "%(count)d red flags reworded", n
            ),
            "source_added": lambda: _("Source added: “%(name)s”"),
            "source_removed": lambda: _("Source removed: “%(name)s”"),
            "quote_added": lambda: ngettext("Quote added", "%(count)d quotes added", n),
            "quote_removed": lambda: ngettext("Quote removed", "%(count)d quotes removed", n),
            "quote_corrected": lambda: ngettext("Quote corrected", "%(count)d quotes corrected", n),
            "countermeasure_linked": lambda: _("Countermeasure linked: %(name)s"),
            "countermeasure_unlinked": lambda: _("Countermeasure unlinked: %(name)s"),
            "tactic_linked": lambda: _("Now counters: %(name)s"),
            "tactic_unlinked": lambda: _("No longer linked to: %(name)s"),
            "countermeasure_note": lambda: ngettext(
                "How a countermeasure counters it, reworded",
                "How %(count)d countermeasures counter it, reworded",
                n,
            ),
            "tactic_note": lambda: ngettext(
                "How it counters a tactic, reworded",
                "How it counters %(count)d tactics, reworded",
                n,
            ),
            "translated": lambda: _("Translated into %(language)s"),
            "translation_updated": lambda: _("Translation into %(language)s updated"),
            "translation_removed": lambda: _("Translation into %(language)s removed"),
            "quote_translated": lambda: ngettext(
                "Translation of a quote into %(language)s added",
                "Translations of %(count)d quotes into %(language)s added",
                n,
            ),
            "quote_translation_updated": lambda: ngettext(
                "Translation of a quote into %(language)s updated",
                "Translations of %(count)d quotes into %(language)s updated",
                n,
            ),
        }
        return said[self.what]() % values
