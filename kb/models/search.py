"""What search reads: one document per published entry and language, the knowledge base's
own words in each language (for spelling suggestions) and the synonym groups admins curate.

The documents are derived data, rebuilt from the entries by ``kb.search.indexing``; only
published entries have them, so nothing unpublished can surface through search.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from kb.search import SearchableQuerySet

from .translations import Translated


class DocumentKind(models.TextChoices):
    """The kind of entry a search document stands for."""

    TACTIC = "tactic", gettext_lazy("Tactic")
    COUNTERMEASURE = "countermeasure", gettext_lazy("Countermeasure")
    SOURCE = "source", gettext_lazy("Source")


class SearchDocumentQuerySet(SearchableQuerySet):
    search_document_path = ""


def _entry(model: str) -> models.ForeignKey:
    # The unique constraint on (entry, language) is the index that finds an entry's documents.
    return models.ForeignKey(
        model, on_delete=models.CASCADE, null=True, related_name="search_documents", db_index=False
    )


class SearchDocument(models.Model):
    """The searchable text of one published entry in one language, split by weight.

    ``title`` weighs most, then ``summary`` and ``keywords`` (ID and vocabulary names), then
    a tactic's ``indicators`` (red flags), then ``body`` (description and quotes). A
    language's document holds the entry's text in that language, and the English of each
    field not translated yet, so that an untranslated entry is still found (quotes stay in
    their verbatim English, beside their translation). On PostgreSQL a trigger keeps
    ``search_vector`` current from these columns, read with ``search_configuration`` (the
    language's text search configuration); on SQLite triggers keep the FTS5 tables
    ``kb_searchdocument_fts`` (English) and ``kb_searchdocument_fts_unstemmed`` (every other
    language) in step. Either way the database does it, whatever path wrote the row.
    """

    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    #: The language the document is in (settings.LANGUAGES' code).
    language = models.CharField(max_length=12)
    tactic = _entry("kb.Tactic")
    countermeasure = _entry("kb.Countermeasure")
    source = _entry("kb.Source")
    title = models.TextField()
    summary = models.TextField(blank=True)
    keywords = models.TextField(blank=True)
    indicators = models.TextField(blank=True)
    body = models.TextField(blank=True)
    # PostgreSQL only; the columns are declared on both databases so that migrations match.
    #: The PostgreSQL text search configuration the vector is built with (kb.search.languages).
    search_configuration = models.CharField(max_length=63, blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    objects = SearchDocumentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="tactic", tactic__isnull=False, countermeasure=None, source=None)
                    | Q(
                        kind="countermeasure",
                        countermeasure__isnull=False,
                        tactic=None,
                        source=None,
                    )
                    | Q(kind="source", source__isnull=False, tactic=None, countermeasure=None)
                ),
                name="kb_searchdocument_kind_matches_entry",
            ),
            *(
                models.UniqueConstraint(
                    fields=[kind, "language"], name=f"kb_searchdocument_one_per_{kind}_language"
                )
                for kind in ("tactic", "countermeasure", "source")
            ),
        ]
        # A search reads one language's documents: the language comes first.
        indexes = [
            models.Index(fields=["language", "kind", "title"], name="searchdocument_lang_kind_idx")
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.language}): {self.title}"

    @property
    def entry(self):
        """The tactic, countermeasure or source this document stands for."""
        return self.tactic or self.countermeasure or self.source


class FTS5IndexColumn(models.TextField):
    """FTS5's hidden column named after its table: the left side of ``MATCH``, and the first
    argument of ``bm25()``, ``snippet()`` and ``highlight()``."""


@FTS5IndexColumn.register_lookup
class FTS5Match(models.Lookup):
    """``index_row__index__match="..."`` compiles to ``<alias>.<table> MATCH %s``."""

    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class SearchIndexRow(models.Model):
    """A row of SQLite's FTS5 index over English search documents, with English (Porter)
    stemming (read-only; SQLite only).

    Declared so that the ORM can join the index to documents by rowid and filter on
    ``MATCH`` with proper table aliases; the virtual table itself is created by migration.
    """

    document = models.OneToOneField(
        SearchDocument,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        related_name="index_row",
    )
    index = FTS5IndexColumn(db_column="kb_searchdocument_fts")

    class Meta:
        managed = False
        db_table = "kb_searchdocument_fts"

    def __str__(self) -> str:
        return f"index row {self.pk}"


class UnstemmedIndexRow(models.Model):
    """A row of SQLite's FTS5 index over the search documents of every language but
    English, without stemming (read-only; SQLite only; migration 0019)."""

    document = models.OneToOneField(
        SearchDocument,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        related_name="unstemmed_index_row",
    )
    index = FTS5IndexColumn(db_column="kb_searchdocument_fts_unstemmed")

    class Meta:
        managed = False
        db_table = "kb_searchdocument_fts_unstemmed"

    def __str__(self) -> str:
        return f"unstemmed index row {self.pk}"


class SearchWord(models.Model):
    """A word that occurs in the published knowledge base's documents in one language,
    unstemmed, with how many of them contain it. Spelling suggestions on a page in that
    language come only from these words (a language's documents hold the English of what
    is not translated yet, and the quotes: their words are that language's words too)."""

    language = models.CharField(max_length=12)
    word = models.CharField(max_length=64)
    document_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["language", "word"], name="kb_searchword_language_word")
        ]

    def __str__(self) -> str:
        return f"{self.word} ({self.language})"


class SynonymGroup(models.Model):
    """Words and phrases that mean the same thing to a reader, e.g. "bitcoin, crypto,
    virtual currency". Searching for any of them finds all of them.

    Groups here extend the curated lists kept in the repository (kb/search/synonyms.txt
    for English, synonyms.<language>.txt for the others), so admins can add synonyms
    without a code change. Each language's column holds that language's group (the
    translation of ``terms_en`` or words of its own); a group is used on the pages in the
    languages it has words in.
    """

    terms = Translated(
        models.TextField(
            "terms",
            help_text=gettext_lazy(
                "Comma-separated words or phrases, e.g. “bitcoin, crypto, virtual currency”."
            ),
        )
    )
    note = models.CharField(
        max_length=200, blank=True, help_text=gettext_lazy("Why these belong together.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = gettext_lazy("synonym group")
        verbose_name_plural = gettext_lazy("synonym groups")
        ordering = ["terms_en"]

    def __str__(self) -> str:
        return self.terms

    def term_list(self) -> list[str]:
        return [term.strip() for term in self.terms.split(",") if term.strip()]
