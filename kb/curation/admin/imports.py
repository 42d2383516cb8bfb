"""Importing spreadsheets in the admin: the "Import" button of tactics, countermeasures and
sources, built on django-import-export's two steps.

1. Upload: the file (CSV or XLSX, within the size limit) is read and imported in a
   transaction that is rolled back: the **preview** lists every row as created, changed,
   a pending revision, unchanged or rejected with the reason, and saves nothing.
2. Confirm: the same file is imported for real, provided it comes out exactly as the
   preview showed (the preview's fingerprint travels with the confirm form); if the
   knowledge base changed meanwhile, nothing is saved and the new preview is shown.

Who may import: users with the permission to add that kind of record (contributors and
reviewers); what the rows do is in ``kb.curation.imports.resources``.
"""

from __future__ import annotations

import hashlib
import json
from typing import cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from import_export.admin import ImportMixin
from import_export.forms import ConfirmImportForm, ImportForm

from kb.curation.imports.formats import SpreadsheetCSV, SpreadsheetXLSX, UnreadableFile
from kb.curation.imports.resources import (
    CitationResource,
    CountermeasureResource,
    ImportResult,
    MitigationResource,
    Outcome,
    SourceResource,
    TacticResource,
)

FORMATS = [SpreadsheetCSV, SpreadsheetXLSX]


class SpreadsheetForm(ImportForm):
    """The upload step: which kind of file, the file, and its format."""

    def clean_import_file(self):
        """Refuse a file over the size limit before anything reads it."""
        upload = self.cleaned_data["import_file"]
        if upload.size > settings.KB_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; an import takes at most %(limit)s. Split it.")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.KB_IMPORT_MAX_BYTES),
                }
            )
        return upload


class ConfirmSpreadsheetForm(ConfirmImportForm):
    """The confirm step, carrying the preview's fingerprint."""

    preview = forms.CharField(widget=forms.HiddenInput())

    def clean_format(self) -> int:
        """The index of a format this import reads (the field comes back from the browser)."""
        value = self.cleaned_data["format"]
        if not value.isdigit() or int(value) >= len(FORMATS):
            raise forms.ValidationError(_("Unknown format."))
        return int(value)


class PreviewOutdated(Exception):
    """The confirmed import would not do what its preview showed."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__("The knowledge base changed since the preview.")
        self.result = result


def preview_fingerprint(result: ImportResult) -> str:
    """What an import does, row by row, as a short digest: the preview's and the confirmed
    import's must match. A new draft counts by its row alone (its ID is handed out only
    when it is saved for good)."""
    rows = [
        [row.line, row.outcome, [] if row.outcome == Outcome.CREATED else row.details]
        for row in result.rows
    ]
    errors = [str(error.error) for error in result.base_errors]
    text = json.dumps([rows, errors, result.notes], default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class SpreadsheetImportMixin(ImportMixin):
    """django-import-export's import page for an entry admin, with the knowledge base's
    rules: CSV and XLSX, size limits, the add permission, plain-words messages, a preview
    that the confirm step must match, and the history's and admin log's notes."""

    import_template_name = "admin/import_export/kb_import.html"
    import_form_class = SpreadsheetForm
    confirm_form_class = ConfirmSpreadsheetForm

    def get_import_formats(self) -> list:
        return FORMATS

    def has_import_permission(self, request: HttpRequest) -> bool:
        """Whoever may add this kind of record (contributors and reviewers): imports make
        drafts and pending revisions only."""
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.{get_permission_codename('add', opts)}")

    def add_data_read_fail_error_to_form(self, form, e: Exception) -> None:
        if isinstance(e, UnreadableFile):
            message = str(e)
        else:
            message = _(
                "This file could not be read as the format chosen. Choose CSV for a .csv "
                "file and XLSX for an Excel workbook."
            )
        form.add_error("import_file", message)

    def get_import_context_data(self, **kwargs) -> dict:
        context = super().get_import_context_data(**kwargs)
        context["max_bytes"] = settings.KB_IMPORT_MAX_BYTES
        context["max_rows"] = settings.KB_IMPORT_MAX_ROWS
        return context

    def import_action(self, request: HttpRequest, **kwargs) -> HttpResponse:
        """The upload step and its preview; the confirm form carries the preview's
        fingerprint."""
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        result, confirm_form = context.get("result"), context.get("confirm_form")
        if result is not None and confirm_form is not None:
            confirm_form.initial["preview"] = preview_fingerprint(result)
        return response

    @method_decorator(require_POST)
    def process_import(self, request: HttpRequest, **kwargs) -> HttpResponse:
        """The confirm step: import the file the preview was made of, if it does exactly
        what the preview showed; else save nothing and show the new preview."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_confirm_form(request)
        import_url = reverse(
            "admin:{}_{}_import".format(*self.get_model_info()), current_app=self.admin_site.name
        )
        resource = str(form.cleaned_data.get("resource") or "0") if form.is_valid() else ""
        if not resource.isdigit() or int(resource) >= len(
            self.get_import_resource_classes(request)
        ):
            messages.error(request, _("This import could not be confirmed; upload the file again."))
            return HttpResponseRedirect(import_url)
        input_format = FORMATS[form.cleaned_data["format"]](encoding=self.from_encoding)
        storage = self.get_tmp_storage_class()(
            name=form.cleaned_data["import_file_name"],
            encoding=None if input_format.is_binary() else self.from_encoding,
            read_mode=input_format.get_read_mode(),
            **self.get_tmp_storage_class_kwargs(),
        )
        data = storage.read()
        if data is None:
            messages.error(
                request,
                _("The uploaded file is no longer kept (uploads wait a day); upload it again."),
            )
            return HttpResponseRedirect(import_url)
        try:
            dataset = input_format.create_dataset(data)
        except UnreadableFile as error:  # only a confirm form sent back altered gets here
            messages.error(request, str(error))
            return HttpResponseRedirect(import_url)
        try:
            with transaction.atomic():
                result = self.process_dataset(dataset, form, request)
                if preview_fingerprint(result) != form.cleaned_data["preview"]:
                    raise PreviewOutdated(result)
        except PreviewOutdated as outdated:
            return self._outdated_preview(request, form, outdated.result)
        storage.remove()
        return self.process_result(result, request)

    def _outdated_preview(self, request: HttpRequest, form, result: ImportResult) -> HttpResponse:
        messages.warning(
            request,
            _(
                "The knowledge base changed since the preview, so nothing was imported. "
                "Check this new preview and confirm again."
            ),
        )
        confirm_form = self.get_confirm_form_class(request)(
            initial={**form.cleaned_data, "preview": preview_fingerprint(result)}
        )
        context = {
            **self.admin_site.each_context(request),
            **self.get_import_context_data(),
            "title": _("Import"),
            "opts": self.model._meta,
            "result": result,
            "confirm_form": confirm_form,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def generate_log_entries(self, result: ImportResult, request: HttpRequest) -> None:
        """One admin log entry per entry created, changed or given a pending revision,
        saying which file and what changed."""
        for row in result.rows:
            if row.entry is None or row.outcome in (Outcome.UNCHANGED, Outcome.REJECTED):
                continue
            what = ", ".join(row.details)
            if row.outcome == Outcome.PROPOSED:
                what = _("pending revision: %(what)s") % {"what": what}
            message = _("Imported from %(file)s") % {"file": result.file_name}
            LogEntry.objects.log_actions(
                cast(int, request.user.pk),
                [row.entry],
                ADDITION if row.new_entry else CHANGE,
                change_message=_("%(note)s: %(what)s") % {"note": message, "what": what}
                if what
                else message,
                single_object=True,
            )

    def add_success_message(self, result: ImportResult, request: HttpRequest) -> None:
        created = [row.subject.split(" ")[0] for row in result.rows if row.new_entry]
        summary = _(
            "Imported from %(file)s: %(created)s created, %(changed)s changed, %(proposed)s "
            "pending revisions, %(unchanged)s unchanged, %(rejected)s rejected."
        ) % {
            "file": result.file_name,
            **{outcome.value: result.count(outcome) for outcome in Outcome},
        }
        if created:
            summary += " " + _("New drafts: %(ids)s.") % {"ids": ", ".join(created)}
        level = messages.WARNING if result.count(Outcome.REJECTED) else messages.SUCCESS
        messages.add_message(request, level, summary)


class TacticImportMixin(SpreadsheetImportMixin):
    """From the tactics' list: tactics, citations and countermeasure links."""

    resource_classes = [TacticResource, CitationResource, MitigationResource]


class CountermeasureImportMixin(SpreadsheetImportMixin):
    """From the countermeasures' list: countermeasures, countermeasure links and citations."""

    resource_classes = [CountermeasureResource, MitigationResource, CitationResource]


class SourceImportMixin(SpreadsheetImportMixin):
    """From the sources' list: sources."""

    resource_classes = [SourceResource]
