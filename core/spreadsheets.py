"""CSV that spreadsheet programs open as data, never as formulas (CSV / formula injection).

Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`, `-` or `@` (and some a
leading tab or carriage return) as a formula: a purpose name or a note typed as
`=HYPERLINK("http://…")` would run on the DPO's or the regulator's machine. Such text cells get a
leading apostrophe (OWASP's advice), which the programs show as text; numbers are left alone.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
