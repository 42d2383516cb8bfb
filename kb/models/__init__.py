"""The knowledge base's data model, one module per concern."""

from .countermeasures import Countermeasure, Mitigation, ResponseKind
from .sources import Citation, DatePrecision, Reference, Source, SourceKind
from .tactics import Indicator, Tactic
from .vocabularies import Actor, Category, Platform, Stage, TargetGroup, Technology, Vocabulary
from .workflow import (
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
    "TRANSITIONS",
    "Actor",
    "Category",
    "Citation",
    "Countermeasure",
    "DatePrecision",
    "Entry",
    "Indicator",
    "Mitigation",
    "Platform",
    "PublicIdCounter",
    "Reference",
    "ResponseKind",
    "Source",
    "SourceKind",
    "Stage",
    "Status",
    "Tactic",
    "TargetGroup",
    "Technology",
    "Transition",
    "Vocabulary",
    "WorkflowError",
    "canonical_public_id",
    "parse_public_id",
    "reserve_public_id",
]
