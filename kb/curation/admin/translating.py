"""Translating entries in the admin: an entry's English and one language's translation side
by side (``/admin/kb/<kind>/<id>/translate/<language>/``), the "Translations" box of the
change form, and the overview of what is missing or outdated per language
(``/admin/kb/translations/``).

A translation is an edit like any other: of a draft, it is saved; of a public entry, it
becomes (or edits) the entry's pending revision, which reviewers read and publish
(kb.curation.admin.revising). Saving records what the translation was made from
(``record_translation``), so it reads as outdated once the English changes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q
from django.forms import BoundField
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from simple_history.admin import SimpleHistoryAdmin

from kb.curation.states import TRANSLATED_PARTS, capture
from kb.curation.translations import (
    TO_DO,
    EnglishThen,
    LanguageStatus,
    TranslationState,
    english_when_translated,
    field_label,
    has_text,
    language_attributes,
    translation_statuses,
    translations_of,
)
from kb.curation.workflow import in_site_language, open_revision
from kb.models import (
    Citation,
    Countermeasure,
    Entry,
    Indicator,
    Mitigation,
    Revision,
    Source,
    Status,
    Tactic,
)
from kb.models.translations import (
    SOURCE_LANGUAGE,
    column,
    language_name,
    translated_columns,
    translated_names,
    translation_languages,
)

from .revising import REVISION_STEPS, TRANSITION_FIELD, allowed_revision_steps, revised

# --- the form ----------------------------------------------------------------------------


@dataclass
class Row:
    """One text on the page: its English (left) and its translation's input (right)."""

    label: str
    english: str
    field: BoundField | None = None
    note: str = ""


@dataclass
class Section:
    """Rows under one heading: the entry's own fields, its indicators, its citations..."""

    title: str
    rows: list[Row] = field(default_factory=list)


def translated_parts(entry: Entry) -> dict[str, list[models.Model]]:
    """The parts ``entry``'s translation covers, by relation, as the rows say now."""
    related = {"citations": ["source"], "mitigations": ["tactic"]}
    return {
        relation: list(getattr(entry, relation).select_related(*related.get(relation, [])))
        for relation in TRANSLATED_PARTS[type(entry)]
    }


def _without_carriage_returns(value: str) -> str:
    # Browsers send a text area's line breaks as CR LF; stored as LF, a save that changes
    # nothing changes nothing.
    return value.replace("\r\n", "\n").replace("\r", "\n")


class TranslationForm(forms.Form):
    """One language's columns of an entry and of the parts its translation covers; the
    English they translate is shown beside them, never edited here."""

    confirmed = forms.BooleanField(
        label=gettext_lazy("The translation matches the current English"),
        required=False,
        help_text=gettext_lazy(
            "Tick it when the English changed but the translation still says the same: "
            "saving then records that it is up to date, without changing a word."
        ),
    )
    change_note = forms.CharField(
        label=gettext_lazy("What changed"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "One line for the history and, once published, the public change log."
        ),
    )
    # Which save of the entry's pending revision the form was opened on, as on the
    # entry's own form: two people working on one revision never overwrite each other
    # unknowingly.
    revision_seen = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        entry: Entry,
        parts: dict[str, list[models.Model]],
        language: str,
        *args: Any,
        read_only: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.entry, self.parts, self.language = entry, parts, language
        self.targets: dict[str, tuple[models.Model, str]] = {}
        self.sections: list[Section] = [Section(str(capfirst(entry._meta.verbose_name)))]
        for name in translated_names(entry):
            self.sections[0].rows.append(
                self._row(entry, name, field_label(entry, name, SOURCE_LANGUAGE), read_only)
            )
        for rows in parts.values():
            if not rows:
                continue
            part_model = type(rows[0])
            section = Section(str(capfirst(part_model._meta.verbose_name_plural)))
            for number, part in enumerate(rows, start=1):
                for name in translated_names(part):
                    section.rows.append(
                        self._row(part, name, self._part_label(part, number), read_only)
                    )
            self.sections.append(section)
        self.fields["revision_seen"].initial = self.revision_now()
        for name in ("confirmed", "change_note"):
            self.fields[name].disabled = read_only

    def _row(self, obj: models.Model, name: str, label: str, read_only: bool) -> Row:
        english = getattr(obj, column(name, SOURCE_LANGUAGE)) or ""
        note = ""
        if isinstance(obj, Citation):
            # A quote stays verbatim in its source's language: its translation into English
            # (if it has one) helps, but the quote is what is translated.
            english, note = obj.quote, english
            note = _("In English: %(translation)s") % {"translation": note} if note else ""
        target = column(name, self.language)
        current = getattr(obj, target) or ""
        if not english and not current:
            return Row(label, english, note=_("Nothing to translate: the English is empty."))
        model_field = cast(models.Field, obj._meta.get_field(target))
        form_field = model_field.formfield(required=False, disabled=read_only)
        assert form_field is not None
        form_field.label = field_label(obj, name, self.language)
        form_field.initial = current
        form_field.widget.attrs.update(language_attributes(self.language))
        if isinstance(form_field.widget, forms.Textarea):
            form_field.widget.attrs["rows"] = 6 if name == "description" else 3
        key = f"{obj._meta.model_name}-{obj.pk}-{target}"
        self.fields[key] = form_field
        self.targets[key] = (obj, target)
        return Row(label, english, self[key], note)

    @staticmethod
    def _part_label(part: models.Model, number: int) -> str:
        if isinstance(part, Citation):
            where = f", {part.locator}" if part.locator else ""
            return _("Quote %(number)d (“%(source)s”%(where)s)") % {
                "number": number,
                "source": part.source.title,
                "where": where,
            }
        if isinstance(part, Mitigation):
            return _("How it counters %(tactic)s") % {"tactic": part.tactic.labelled}
        return _("Indicator %(number)d") % {"number": number}

    def revision_now(self) -> str:
        """The last save of the entry's open revision ("" if it has none)."""
        revision = open_revision(self.entry)
        return revision.updated_at.isoformat() if revision is not None else ""

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        for key in self.targets:
            if isinstance(cleaned.get(key), str):
                cleaned[key] = _without_carriage_returns(cleaned[key])
        now = self.revision_now()
        if "revision_seen" in self.data and self.data["revision_seen"] != now:
            self.add_error(
                None,
                _(
                    "Someone saved this entry's pending revision after you opened this page, "
                    "so nothing was saved. Your translation is still in the form below: open "
                    "the revision in another tab to see their changes, then save again to "
                    "keep yours."
                ),
            )
            data = cast(QueryDict, self.data).copy()  # saving again overwrites, knowingly
            data["revision_seen"] = now
            self.data = data
        return cleaned

    def save(self) -> bool:
        """Write the translation to the entry (the caller saves it) and to its parts
        (saved here); whether any text changed."""
        changed = False
        for key, (obj, target) in self.targets.items():
            value = self.cleaned_data.get(key) or ""
            if value == (getattr(obj, target) or ""):
                continue
            setattr(obj, target, value)
            changed = True
            if obj is not self.entry:
                obj.save()
        return changed


# --- the admin ---------------------------------------------------------------------------

TRANSLATION_STATUSES = "kb_translation_statuses"
NOTHING_CHANGED = "kb_translation_unchanged"


class TranslationAdminMixin(SimpleHistoryAdmin):
    """The side-by-side translation page of each entry, and the change form's
    "Translations" box."""

    def get_urls(self):
        meta = self.model._meta
        return [
            path(
                "<path:object_id>/translate/<str:language>/",
                self.admin_site.admin_view(self.translate_view),
                name=f"{meta.app_label}_{meta.model_name}_translate",
            ),
            *super().get_urls(),
        ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id and request.method == "GET":
            # Read before a pending revision is rehearsed on the rows: the live translation.
            entry = self.get_object(request, unquote(object_id))
            if isinstance(entry, Entry):
                setattr(request, TRANSLATION_STATUSES, translation_statuses(entry))
        return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        statuses = getattr(request, TRANSLATION_STATUSES, None)
        if obj is not None and statuses:
            context["translations"] = [
                (status, self._translate_url(obj, status.language)) for status in statuses
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _translate_url(self, entry: Entry, language: str) -> str:
        meta = self.model._meta
        return reverse(
            f"admin:{meta.app_label}_{meta.model_name}_translate", args=[entry.pk, language]
        )

    def translate_view(self, request: HttpRequest, object_id: str, language: str) -> HttpResponse:
        """The entry's English beside one language's translation. Saving a draft's saves
        it; a public entry's becomes its pending revision (or edits the one it has)."""
        entry = self.get_object(request, unquote(object_id))
        if entry is None or not isinstance(entry, Entry) or language not in translation_languages():
            raise Http404(_("No such entry or language."))
        if not self.has_view_or_change_permission(request, entry):
            raise PermissionDenied
        may_edit = self.has_change_permission(request, entry)
        if request.method == "POST" and not may_edit:
            raise PermissionDenied
        statuses = translation_statuses(entry)
        status = next(s for s in statuses if s.language == language)
        revision = open_revision(entry)

        def act() -> tuple[HttpResponse, bool]:
            return self._translate(request, entry, language, may_edit, statuses, status, revision)

        if revised(entry):
            response = self.revise(request, entry, act)
        else:
            with transaction.atomic():
                response, saved = act()
            if saved:
                self.log_change(
                    request, entry, _("Translated into %(language)s") % _named(language)
                )
                self.message_user(
                    request,
                    _("The %(language)s translation of %(id)s is saved.")
                    % {**_named(language), "id": entry.public_id},
                    messages.SUCCESS,
                )
        if getattr(request, NOTHING_CHANGED, False):
            self.message_user(request, _("Nothing was changed."), messages.INFO)
        return response

    def _translate(
        self,
        request: HttpRequest,
        entry: Entry,
        language: str,
        may_edit: bool,
        statuses: list[LanguageStatus],
        status: LanguageStatus,
        revision: Revision | None,
    ) -> tuple[HttpResponse, bool]:
        """The page or the save, on the entry's rows as they stand (as its pending
        revision has them, when the caller rehearses it)."""
        current = type(entry)._default_manager.get(pk=entry.pk)
        parts = translated_parts(current)
        form = TranslationForm(
            current,
            parts,
            language,
            request.POST if request.method == "POST" else None,
            read_only=not may_edit,
        )
        if request.method == "POST" and form.is_valid():
            step = request.POST.get(TRANSITION_FIELD, "")
            changed = form.save()
            note = form.cleaned_data.get("change_note") or ""
            if changed or form.cleaned_data.get("confirmed"):
                current.record_translation(language)  # type: ignore[attr-defined]
                current._change_reason = note or _("Translated into %(language)s") % _named(
                    language
                )
                current.save()
            elif step not in REVISION_STEPS:
                setattr(request, NOTHING_CHANGED, True)
                return HttpResponseRedirect(request.path), False
            if revised(entry):
                default_note = in_site_language(
                    gettext_lazy("Translation into %(language)s")
                ) % _named(language)
                self.remember_form(request, note or default_note, "")
                self.revision_saved(request)
            return HttpResponseRedirect(request.path), True

        outdated_here = has_text(current, language) and (
            current.translated_from.get(language) != current.source_fingerprint()  # type: ignore[attr-defined]
        )
        english_then: EnglishThen | None = None
        if outdated_here:
            english_then = english_when_translated(entry, language, capture(current))
        steps = dict(allowed_revision_steps(request, entry, revision)) if revised(entry) else {}
        context = {
            **self.admin_site.each_context(request),
            "title": _("Translate %(entry)s into %(language)s")
            % {"entry": current.labelled, **_named(language)},
            "opts": self.model._meta,
            "original": entry,
            "language": language,
            "language_name": language_name(language),
            "english_attributes": language_attributes(SOURCE_LANGUAGE),
            "status": status,
            "languages": [(s, self._translate_url(entry, s.language)) for s in statuses],
            "form": form,
            "sections": form.sections,
            "may_edit": may_edit,
            "revised": revised(entry),
            "revision": revision,
            "revision_url": (
                reverse(self._admin_name("revision"), args=[entry.pk])
                if revision is not None
                else ""
            ),
            "submit_step": REVISION_STEPS["submit_revision"]
            if "submit_revision" in steps and may_edit
            else None,
            "transition_field": TRANSITION_FIELD,
            "outdated_here": outdated_here,
            "english_then": english_then,
            "live_url": _page_in(entry, language) if entry.is_public else "",
        }
        return TemplateResponse(request, "admin/kb/translate.html", context), False


def _named(language: str) -> dict[str, str]:
    return {"language": language_name(language)}


def _page_in(entry: Entry, language: str) -> str:
    """The entry's public page in ``language`` (/es/tactics/...)."""
    with override(language):
        try:
            return entry.get_absolute_url()
        except NoReverseMatch:  # pragma: no cover - every entry has a page
            return ""


# --- the overview ------------------------------------------------------------------------

#: The entries the overview lists: those public or on their way there (a retired or
#: withdrawn entry's translation is asked of nobody).
OVERVIEW_STATUSES = (Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED)
OVERVIEW_MODELS: tuple[type[Entry], ...] = (Tactic, Countermeasure, Source)
#: Rows on one page of the overview.
OVERVIEW_PER_PAGE = 50

#: What the fingerprint of each kind of part reads: its key to the entry, its order and
#: its English.
_PART_COLUMNS: dict[tuple[type[Entry], str], tuple[type[models.Model], list[str]]] = {
    (Tactic, "indicators"): (Indicator, ["tactic", "position", "text_en"]),
    (Tactic, "citations"): (Citation, ["tactic", "position", "quote"]),
    (Countermeasure, "mitigations"): (Mitigation, ["countermeasure", "note_en"]),
    (Countermeasure, "citations"): (Citation, ["countermeasure", "position", "quote"]),
}


def overview_queryset(model: type[Entry]) -> models.QuerySet:
    """The entries of ``model`` the overview considers, with what it reads of them: their
    English (and their parts', for the fingerprint), and whether each language has text
    (``has_<language>``, computed by the database rather than read)."""
    english = [column(name, SOURCE_LANGUAGE) for name in translated_names(model)]
    title = ["title"] if model is Source else []
    has_text_in = {
        f"has_{language}": ExpressionWrapper(
            ~Q(**dict.fromkeys(translated_columns(model, language), "")),
            output_field=BooleanField(),
        )
        for language in translation_languages()
    }
    prefetches = [
        Prefetch(relation, queryset=part_model._default_manager.only("id", *columns))
        for (kind, relation), (part_model, columns) in _PART_COLUMNS.items()
        if kind is model
    ]
    return (
        model._default_manager.filter(status__in=OVERVIEW_STATUSES)
        # translated_from is every entry's (kb.models.translations.Translatable); the
        # stubs see only Entry here.
        .only("public_id", "status", "published_at", "translated_from", *english, *title)  # type: ignore[misc]
        .annotate(**has_text_in)
        .prefetch_related(*prefetches)
        .order_by("public_id")
    )


@dataclass(frozen=True)
class OverviewRow:
    """One entry in one language that asks for work."""

    title: str
    kind: str
    entry_status: str
    status: LanguageStatus
    admin_name: str  # "admin:kb_tactic"
    pk: int

    @property
    def change_url(self) -> str:
        return reverse(f"{self.admin_name}_change", args=[self.pk])

    @property
    def translate_url(self) -> str:
        return reverse(f"{self.admin_name}_translate", args=[self.pk, self.status.language])


def _open_revisions() -> dict[tuple[type, int], Revision]:
    found: dict[tuple[type, int], Revision] = {}
    for revision in Revision.objects.open().defer("note"):
        for model in OVERVIEW_MODELS:
            pk = getattr(revision, f"{model._meta.model_name}_id")
            if pk is not None:
                found[model, pk] = revision
    return found


def _nothing_to_translate(entry: Entry) -> bool:
    english = [column(name, SOURCE_LANGUAGE) for name in translated_names(entry)]
    return not any(getattr(entry, attname) for attname in english)


def overview_rows(models_shown: list[type[Entry]]) -> list[OverviewRow]:
    """Every entry of ``models_shown`` in every language whose translation asks for work
    (missing, outdated, being written or in review), by language, then state: a fixed
    number of queries, whatever the number of entries."""
    revisions = _open_revisions()
    rows: list[OverviewRow] = []
    for model in models_shown:
        meta = model._meta
        kind = str(capfirst(meta.verbose_name))
        for found in translations_of(overview_queryset(model), revisions):
            entry = found.entry
            if _nothing_to_translate(entry):
                continue
            for status in found.statuses.values():
                if status.state not in TO_DO:
                    continue
                rows.append(
                    OverviewRow(
                        found.title,
                        kind,
                        entry.get_status_display(),
                        status,
                        f"admin:{meta.app_label}_{meta.model_name}",
                        entry.pk,
                    )
                )
    order = {language: index for index, language in enumerate(translation_languages())}
    rows.sort(key=lambda row: (order[row.status.language], TO_DO.index(row.status.state)))
    return rows


def translations_overview(request: HttpRequest, admin_site: admin.AdminSite) -> HttpResponse:
    """``/admin/kb/translations/``: per language, the entries whose translation is
    missing, outdated, being written or in review, with counts, filtered by
    ``?language=``, ``?state=`` and ``?kind=``."""
    user = request.user
    shown = [
        model
        for model in OVERVIEW_MODELS
        if user.has_perm(f"kb.view_{model._meta.model_name}")
        or user.has_perm(f"kb.change_{model._meta.model_name}")
    ]
    if not shown:
        raise PermissionDenied
    kinds = {model._meta.model_name: model for model in shown}
    kind = request.GET.get("kind", "")
    if kind in kinds:
        shown = [kinds[kind]]
    rows = overview_rows(shown)
    counts = Counter((row.status.language, row.status.state) for row in rows)
    language = request.GET.get("language", "")
    state = request.GET.get("state", "")
    if language in translation_languages():
        rows = [row for row in rows if row.status.language == language]
    if state in TranslationState.values:
        rows = [row for row in rows if row.status.state == state]
    page = Paginator(rows, OVERVIEW_PER_PAGE).get_page(request.GET.get("p"))
    filters = {"kind": kind if kind in kinds else "", "language": language, "state": state}
    context = {
        **admin_site.each_context(request),
        "title": _("Translations: what is missing or outdated"),
        "page": page,
        "states": [(s.value, s.label) for s in TO_DO],
        "table": [
            (
                code,
                language_name(code),
                [(s.value, counts[code, s]) for s in TO_DO],
            )
            for code in translation_languages()
        ],
        "kinds": [
            (name, capfirst(model._meta.verbose_name_plural)) for name, model in kinds.items()
        ],
        "filters": filters,
        "query": {name: value for name, value in filters.items() if value},
    }
    return TemplateResponse(request, "admin/kb/translations.html", context)
