"""CSV that spreadsheet programs open as data, never as formulas (CSV / formula injection), and
with its Vietnamese intact.

Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`, `-` or `@` (and some a
leading tab or carriage return) as a formula: a purpose name or a note typed as
`=HYPERLINK("http://…")` would run on the DPO's or the regulator's machine. Such text cells get a
leading apostrophe (OWASP's advice), which the programs show as text; numbers are left alone.

Excel opens a CSV (double-click) in the Windows ANSI code page unless the file starts with the UTF-8
byte-order mark: "Tiếp thị" would show as "Tiáº¿p thá»‹". Every CSV that leaves the platform (page
downloads, the API's `?format=csv`, e-mail attachments, the customer's data export) goes through
`spreadsheet_file`, the one place the mark is added.
"""
from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# U+FEFF, written first: encoded in UTF-8 it is the bytes EF BB BF that tell Excel the file's encoding.
BYTE_ORDER_MARK = "\ufeff"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def spreadsheet_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SpreadsheetWriter:
    """`csv.writer` whose text cells cannot start a formula."""

    def __init__(self, file) -> None:
        self._writer = csv.writer(file)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([spreadsheet_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def spreadsheet_file(text: str) -> str:
    """CSV `text` as a file leaving the platform: starting with the byte-order mark (once), so Excel
    reads it as UTF-8. Encode the result as UTF-8 (or let the response or e-mail do it)."""
    return text if text.startswith(BYTE_ORDER_MARK) else BYTE_ORDER_MARK + text


def spreadsheet_sha256(text: str) -> str:
    """The SHA-256 of the file `spreadsheet_download` gives for `text`: an audit entry proves by it which
    copy of a list that changes over time was taken."""
    return hashlib.sha256(spreadsheet_file(text).encode("utf-8")).hexdigest()


def spreadsheet_download(text: str, filename: str) -> HttpResponse:
    """A page's CSV download: `text` as the file `filename`, with the byte-order mark."""
    response = HttpResponse(spreadsheet_file(text), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
