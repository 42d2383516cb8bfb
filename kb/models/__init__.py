"""The knowledge base's data model, one module per concern."""

from .content import (
    ContentVersion,
    content_changed,
    content_version_changed,
    current_content_version,
)
from .countermeasures import Countermeasure, Mitigation, ResponseKind
from .evidence import LinkCheck, LinkKind, QuoteStatus, SourceText, TextFormat, split_paragraphs
from .revisions import (
    ReviewComment,
    Revision,
    RevisionStatus,
    StatusChange,
    apply_state,
    capture_state,
)
from .search import DocumentKind, SearchDocument, SearchIndexRow, SearchWord, SynonymGroup
from .sources import Citation, DatePrecision, Reference, Source, SourceKind, group_citations
from .suggestions import Suggestion, SuggestionKind, SuggestionStatus
from .tactics import Indicator, Tactic
from .versions import PublishedVersion, record_version
from .vocabularies import (
    Actor,
    Category,
    Platform,
    Stage,
    TargetGroup,
    Technology,
    Vocabulary,
    public_terms,
)
from .workflow import (
    PUBLIC_STATUSES,
    TRANSITIONS,
    Entry,
    PublicIdCounter,
    Status,
    Transition,
    WorkflowError,
    canonical_public_id,
    parse_public_id,
    reserve_public_id,
)

__all__ = [
    "PUBLIC_STATUSES",
    "TRANSITIONS",
    "Actor",
    "Category",
    "Citation",
    "ContentVersion",
    "Countermeasure",
    "DatePrecision",
    "DocumentKind",
    "Entry",
    "Indicator",
    "LinkCheck",
    "LinkKind",
    "Mitigation",
    "Platform",
    "PublicIdCounter",
    "PublishedVersion",
    "QuoteStatus",
    "Reference",
    "ResponseKind",
    "ReviewComment",
    "Revision",
    "RevisionStatus",
    "SearchDocument",
    "SearchIndexRow",
    "SearchWord",
    "Source",
    "SourceKind",
    "SourceText",
    "Stage",
    "Status",
    "StatusChange",
    "Suggestion",
    "SuggestionKind",
    "SuggestionStatus",
    "SynonymGroup",
    "Tactic",
    "TargetGroup",
    "Technology",
    "TextFormat",
    "Transition",
    "Vocabulary",
    "WorkflowError",
    "apply_state",
    "canonical_public_id",
    "capture_state",
    "content_changed",
    "content_version_changed",
    "current_content_version",
    "group_citations",
    "parse_public_id",
    "public_terms",
    "record_version",
    "reserve_public_id",
    "split_paragraphs",
]
