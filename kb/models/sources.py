"""Sources and citations: the evidence behind every claim in the knowledge base."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy

from .evidence import QuoteStatus
from .history import History
from .translations import Translatable, Translated
from .workflow import Entry, EntryQuerySet

# Sources are on the web; any other scheme is refused (see the constraints below).
web_link = URLValidator(
    schemes=["http", "https"],
    message=gettext_lazy("Enter a web address (http or https)."),
    code="not_a_web_link",  # its own code, or a form's "Enter a valid URL." would replace it
)


class SourceKind(models.TextChoices):
    """What kind of publication a source is, which tells readers how to weigh it."""

    NEWS = "news", gettext_lazy("News article")
    GOVERNMENT_REPORT = "government_report", gettext_lazy("Government report")
    NGO_REPORT = "ngo_report", gettext_lazy("NGO report")
    ACADEMIC = "academic", gettext_lazy("Academic publication")
    OTHER = "other", gettext_lazy("Other")


class DatePrecision(models.TextChoices):
    """How much of ``Source.published_on`` is known: many sources give only a month or year."""

    DAY = "day", gettext_lazy("Day")
    MONTH = "month", gettext_lazy("Month")
    YEAR = "year", gettext_lazy("Year")


class SourceQuerySet(EntryQuerySet):
    def for_page(self) -> SourceQuerySet:
        """Load a source with the published entries that cite it."""
        from .countermeasures import Countermeasure
        from .tactics import Tactic

        return self.select_related("replaced_by").prefetch_related(
            Prefetch(
                "citations",
                queryset=Citation.objects.filter(
                    Q(tactic__in=Tactic.objects.published())
                    | Q(countermeasure__in=Countermeasure.objects.published())
                )
                .select_related("tactic", "countermeasure")
                .order_by("tactic__name_en", "countermeasure__name_en", "position", "pk"),
                to_attr="public_citations",
            )
        )


SourceManager = models.Manager.from_queryset(SourceQuerySet)


class Source(Entry, Translatable):
    """An article or report that documents tactics or countermeasures."""

    PUBLIC_ID_PREFIX = "SR"

    title = models.CharField(max_length=500)
    publisher = models.CharField(max_length=200, blank=True)
    authors = models.CharField(
        max_length=500, blank=True, help_text=gettext_lazy("As credited, separated by commas.")
    )
    kind = models.CharField(max_length=20, choices=SourceKind.choices, default=SourceKind.NEWS)
    published_on = models.DateField(
        null=True,
        blank=True,
        help_text=gettext_lazy("Leave empty when the source does not give a date."),
    )
    date_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        blank=True,
        help_text=gettext_lazy("How much of the date is known; the rest of the date is ignored."),
    )
    dateline = models.CharField(
        max_length=100,
        blank=True,
        help_text=gettext_lazy(
            "The date exactly as the source prints it, when it is not a full date "
            "(for example a dateline without a year)."
        ),
    )
    url = models.URLField(gettext_lazy("URL"), max_length=1000, blank=True, validators=[web_link])
    archive_url = models.URLField(
        gettext_lazy("archived copy URL"),
        max_length=1000,
        blank=True,
        validators=[web_link],
        help_text=gettext_lazy(
            "A copy in a web archive, so the evidence stays reachable if the original moves."
        ),
    )
    summary = Translated(models.TextField("summary", blank=True))

    objects: ClassVar[SourceManager] = SourceManager()
    history = History()

    class Meta(Entry.Meta):
        verbose_name = gettext_lazy("source")
        verbose_name_plural = gettext_lazy("sources")
        ordering = ["title"]
        permissions = [("review_source", "Can publish, return to draft and retire sources")]
        constraints = [
            *Entry.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind__in=SourceKind.values), name="kb_source_valid_kind"
            ),
            # Pages link to these: a javascript: or data: "URL" would run in a reader's
            # browser, whatever path (an import, a script) tried to store it.
            *(
                models.CheckConstraint(
                    condition=(
                        Q(**{field: ""})
                        | Q(**{f"{field}__istartswith": "https://"})
                        | Q(**{f"{field}__istartswith": "http://"})
                    ),
                    name=f"kb_source_{field}_is_a_web_link",
                )
                for field in ("url", "archive_url")
            ),
            # A date and its precision come together, or not at all.
            models.CheckConstraint(
                condition=(
                    Q(published_on__isnull=True, date_precision="")
                    | Q(published_on__isnull=False, date_precision__in=DatePrecision.values)
                ),
                name="kb_source_date_has_precision",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "title"], name="source_status_title_idx"),
            # The ids of published entries from the index alone (facet counts, see kb.lists.facets).
            models.Index(fields=["status", "id"], name="source_status_id_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.published_on and not self.date_precision:
            raise ValidationError(
                {"date_precision": gettext_lazy("Say how much of the date is known.")}
            )
        if self.date_precision and not self.published_on:
            raise ValidationError(
                {"published_on": gettext_lazy("Give the date, or clear its precision.")}
            )

    @property
    def date_display(self) -> str:
        """The publication date to the precision known, else the dateline, else 'n.d.'."""
        if self.published_on:
            formats: dict[str, str] = {DatePrecision.YEAR: "%Y", DatePrecision.MONTH: "%B %Y"}
            if self.date_precision in formats:
                return self.published_on.strftime(formats[self.date_precision])
            return f"{self.published_on.day} {self.published_on:%B %Y}"
        return self.dateline or "n.d."


class Citation(models.Model):
    """A verbatim quote from a source that supports a tactic or a countermeasure."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    tactic = models.ForeignKey(
        "kb.Tactic", on_delete=models.CASCADE, null=True, blank=True, related_name="citations"
    )
    countermeasure = models.ForeignKey(
        "kb.Countermeasure",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="citations",
    )
    quote = models.TextField(
        help_text=gettext_lazy("Copied exactly from the source, word for word.")
    )
    # Quotes stay verbatim in their source's language; readers of another language see a
    # translation beside the original, labelled as one.
    translation = Translated(
        models.TextField(
            "translation of the quote",
            blank=True,
            help_text=gettext_lazy(
                "For readers of another language; shown beside the original, labelled."
            ),
        )
    )
    locator = models.CharField(
        max_length=100,
        blank=True,
        help_text=gettext_lazy(
            "Where the quote stands in the source, e.g. “paragraph 4” or “p. 12”."
        ),
    )
    position = models.PositiveSmallIntegerField(default=0)
    # Set on every save from the source's stored text (kb.curation.evidence), and again
    # whenever that text changes; a quote not found blocks publishing.
    quote_status = models.CharField(
        gettext_lazy("quote check"),
        max_length=10,
        choices=QuoteStatus.choices,
        default=QuoteStatus.UNCHECKED,
        editable=False,
    )
    quote_checked_at = models.DateTimeField(
        gettext_lazy("quote checked at"), null=True, editable=False
    )

    history = History()

    class Meta:
        verbose_name = gettext_lazy("citation")
        verbose_name_plural = gettext_lazy("citations")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(tactic__isnull=False, countermeasure__isnull=True)
                    | Q(tactic__isnull=True, countermeasure__isnull=False)
                ),
                name="kb_citation_supports_exactly_one_entry",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} ({self.locator})" if self.locator else str(self.source)

    def english_texts(self) -> list[str]:
        """What a translation of this quote translates: the quote itself."""
        return [self.quote]

    @property
    def entry(self):
        """The tactic or countermeasure this citation supports."""
        return self.tactic or self.countermeasure


def public_citations_prefetch() -> Prefetch:
    """An entry's citations of public sources, in order, as ``public_citations``: what its
    reference list shows."""
    return Prefetch(
        "citations",
        queryset=Citation.objects.filter(source__in=Source.objects.public())
        .select_related("source")
        .order_by("position", "pk"),
        to_attr="public_citations",
    )


@dataclass
class Reference:
    """One numbered entry of a page's reference list: a source and the quotes taken from it."""

    number: int
    source: Source
    citations: list[Citation] = field(default_factory=list)


def group_citations(citations: list[Citation]) -> list[Reference]:
    """Number sources in the order they are first cited, each with its quotes."""
    references: dict[int, Reference] = {}
    for citation in citations:
        reference = references.get(citation.source_id)
        if reference is None:
            reference = references[citation.source_id] = Reference(
                len(references) + 1, citation.source
            )
        reference.citations.append(citation)
    return list(references.values())
