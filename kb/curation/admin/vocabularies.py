"""Vocabularies and synonym groups: the terms entries are classified and searched by.

Reviewers curate them, translations included: a term's translations are edited on its own
form, each language in a group of its own, with no workflow (a term is not an entry).
"""

from django.contrib import admin

from kb.curation.diffs import column_label, translation_column
from kb.curation.translations import language_attributes
from kb.models import Actor, Category, Platform, Stage, SynonymGroup, TargetGroup, Technology
from kb.models.translations import column, language_name, translation_languages


class TranslatedFormAdmin(admin.ModelAdmin):
    """Each input of a translated column carries its language (``lang``, and ``dir``
    right-to-left for Arabic) and says which language it is: "Name (Español)"."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        found = translation_column(self.model, getattr(db_field, "attname", ""))
        if formfield is not None and found is not None:
            formfield.widget.attrs.update(language_attributes(found[1]))
            formfield.label = column_label(db_field)
        return formfield


def by_language(*names: str) -> tuple:
    """A fieldset per translation language, titled with its name, of ``names``' columns."""
    return tuple(
        (language_name(code), {"fields": tuple(column(name, code) for name in names)})
        for code in translation_languages()
    )


class VocabularyAdmin(TranslatedFormAdmin):
    list_display: tuple[str, ...] = ("name", "slug", "position")
    list_editable = ["position"]
    search_fields = ("name_en", "description_en")
    prepopulated_fields = {"slug": ("name_en",)}
    fieldsets = (
        (None, {"fields": ("name_en", "slug", "description_en", "position")}),
        *by_language("name", "description"),
    )


for vocabulary in (Category, Technology, Platform, Stage, TargetGroup):
    admin.site.register(vocabulary, VocabularyAdmin)


@admin.register(Actor)
class ActorAdmin(VocabularyAdmin):
    """Actors also say who can act: the group a tactic page lists their countermeasures
    under (what NGO staff, families and individuals can do comes first)."""

    list_display = ("name", "slug", "group", "position")
    list_editable = ["group", "position"]
    list_filter = ("group",)
    fieldsets = (
        (None, {"fields": ("name_en", "slug", "description_en", "group", "position")}),
        *by_language("name", "description"),
    )


@admin.register(SynonymGroup)
class SynonymGroupAdmin(TranslatedFormAdmin):
    """Synonyms added here take effect on the next search; nothing needs re-indexing.
    They extend the curated list in the repository (kb/search/synonyms.txt)."""

    list_display = ("terms", "note", "updated_at")
    search_fields = ("terms_en", "note")
    fieldsets = ((None, {"fields": ("terms_en", "note")}), *by_language("terms"))
