"""The public lists of entries, each run by the one list engine (kb.lists.engine): their
parameters (kb.lists.filters), facet counts (kb.lists.facets), matching rows and pages."""

from kb.models import Countermeasure, SearchDocument, Source, Tactic
from kb.models.translations import reading_language

from .engine import EntryList, ListResult, Matches
from .filters import CountermeasureFilter, DocumentFilter, SourceFilter, TacticFilter

TACTICS = EntryList(
    "tactics", TacticFilter, lambda: Tactic.objects.published().for_list(), (Tactic,)
)
COUNTERMEASURES = EntryList(
    "countermeasures",
    CountermeasureFilter,
    lambda: Countermeasure.objects.published().for_list(),
    (Countermeasure,),
)
SOURCES = EntryList("sources", SourceFilter, lambda: Source.objects.published(), (Source,))
#: The site-wide search over every kind of entry (only published entries have documents),
#: in the reader's language: each entry's document in it.
DOCUMENTS = EntryList(
    "documents",
    DocumentFilter,
    lambda: (
        SearchDocument.objects.filter(language=reading_language())
        .select_related("tactic", "countermeasure", "source")
        .defer("search_vector")
    ),
    (Tactic, Countermeasure, Source),
)

__all__ = [
    "COUNTERMEASURES",
    "DOCUMENTS",
    "SOURCES",
    "TACTICS",
    "EntryList",
    "ListResult",
    "Matches",
]
