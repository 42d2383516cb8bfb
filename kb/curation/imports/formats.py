"""Reading an uploaded spreadsheet into rows: CSV as the downloads write it, and XLSX.

Both keep every row, blank ones included, so that a row's number is the one the
spreadsheet shows (the header is row 1); blank rows are left out later, by the resource,
which remembers those numbers. Both refuse a file with more rows than an import takes
while reading it, so a small file that unpacks into a huge sheet never fills the memory.
"""

from __future__ import annotations

import csv
import io
import zipfile

import tablib
from django.conf import settings
from django.utils.translation import gettext as _
from import_export.formats import base_formats


class UnreadableFile(ValueError):
    """An uploaded file that cannot be read as the format chosen, with the reason in plain
    words (shown under the file field)."""


def max_rows() -> int:
    """The most rows (after the header) one import takes."""
    return settings.KB_IMPORT_MAX_ROWS


def _too_many_rows() -> UnreadableFile:
    return UnreadableFile(
        _("The file has more than %(limit)s rows; split it into files of at most that many.")
        % {"limit": f"{max_rows():,}"}
    )


def _dataset(header: list, rows: list[list]) -> tablib.Dataset:
    width = len(header)
    dataset = tablib.Dataset(headers=["" if h is None else str(h).strip() for h in header])
    for row in rows:
        dataset.append([*row, *[""] * (width - len(row))][:width])
    return dataset


class SpreadsheetCSV(base_formats.CSV):
    """CSV in UTF-8 (with or without a byte order mark), comma- or semicolon-separated
    (spreadsheets set to a language that writes decimal commas save with semicolons)."""

    def create_dataset(self, in_stream, **kwargs) -> tablib.Dataset:
        """The file's rows, the first being the header."""
        if isinstance(in_stream, bytes):
            try:
                in_stream = in_stream.decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise UnreadableFile(
                    _(
                        "This file is not CSV text in UTF-8. Save it from your spreadsheet "
                        "as “CSV UTF-8”, or upload it as XLSX."
                    )
                ) from error
        if "\x00" in in_stream:
            raise UnreadableFile(_("This file is not CSV text: choose the format it is in."))
        first_line = in_stream.split("\n", 1)[0]
        delimiter = ";" if ";" in first_line and "," not in first_line else ","
        reader = csv.reader(io.StringIO(in_stream, newline=""), delimiter=delimiter)
        try:
            header = next(reader, [])
            rows = []
            for number, row in enumerate(reader, start=2):
                if len(row) > len(header):
                    raise UnreadableFile(
                        _("Row %(number)s has more cells than the header has columns.")
                        % {"number": number}
                    )
                rows.append(row)
                if len(rows) > max_rows():
                    raise _too_many_rows()
        except csv.Error as error:
            raise UnreadableFile(
                _("This file is not well-formed CSV (%(problem)s).") % {"problem": error}
            ) from error
        return _dataset(header, rows)


class SpreadsheetXLSX(base_formats.XLSX):
    """The first sheet of an Excel workbook."""

    def create_dataset(self, in_stream) -> tablib.Dataset:
        """The first sheet's rows, the first being the header."""
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
            raise UnreadableFile(
                _("This file is not an Excel workbook (XLSX): choose the format it is in.")
            ) from error
        try:
            sheet = book.active
            lines = sheet.iter_rows(values_only=True) if sheet is not None else iter(())
            header = list(next(lines, ()))
            rows = []
            for row in lines:
                rows.append(list(row))
                if len(rows) > max_rows():
                    raise _too_many_rows()
        finally:
            book.close()
        return _dataset(header, rows)
