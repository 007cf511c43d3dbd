"""A consent file as the import reads it: its bytes into lines of text, its header into columns.

Files come from Excel and from core-banking tools on Windows. Excel's "CSV UTF-8" starts with a byte
order mark and, on a Windows whose regional format is Vietnamese (decimal comma), separates the
columns with ";" instead of ","; both are read, the separator found from the header line. Text must be
UTF-8: an older tool writing Windows-1258 (or ANSI, CP1252) is stopped at its first line that is not,
with that line's number, after the lines before it (`consents.services.import_rows` imports them).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from django.utils.translation import gettext as _

from consents.services.import_columns import REQUIRED_COLUMNS
from core.errors import InvalidInput

# What the decoder leaves of a byte that is not UTF-8 (errors="surrogateescape"): U+DC80 to U+DCFF.
# Valid UTF-8 never decodes to these, so a line holding one is a line that is not UTF-8.
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
# The longest header line the upload check reads (the columns take about 150 bytes).
HEADER_BYTES = 64 * 1024


class NotUtf8(ValueError):
    """A line of the file is not UTF-8 text; `line` is its number (1 is the header)."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def not_utf8_error() -> InvalidInput:
    return InvalidInput(_("The file is not UTF-8 text; save it as CSV UTF-8."), field="file")


def _decoded(file: BinaryIO) -> io.TextIOWrapper:
    # Decoding the file in chunks failed on the chunk holding a bad byte, up to 8 KB before its line:
    # the lines before it in that chunk were lost and no line was named. Undecodable bytes are kept
    # as escapes instead, and each line is judged on its own when the reader reaches it.
    return io.TextIOWrapper(file, encoding="utf-8-sig", errors="surrogateescape", newline="")


def text_lines(file: BinaryIO) -> Iterator[str]:
    """The file's lines as text, one at a time; a line that is not UTF-8 raises `NotUtf8` when reached."""
    for number, line in enumerate(_decoded(file), 1):
        if _NOT_UTF8.search(line):
            raise NotUtf8(number)
        yield line


def lines_count(file: BinaryIO) -> int:
    """How many lines the file has, whatever they hold (the job's total, before any row is judged)."""
    return sum(1 for _line in _decoded(file))


def rows_reader(lines: Iterable[str]) -> csv.DictReader:
    """A reader of the rows as dicts keyed by the header's columns; InvalidInput when a column is
    missing. The separator is the header's: ";" (Excel with a Vietnamese regional format) or ","."""
    lines = iter(lines)
    first = next(lines, "").removeprefix(codecs.BOM_UTF8.decode())
    separator = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(itertools.chain([first], lines), delimiter=separator)
    header = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InvalidInput(
            _("The file lacks the columns: %(columns)s."), field="file", columns=", ".join(missing)
        )
    reader.fieldnames = header
    return reader


def header_check(file: BinaryIO) -> None:
    """Refuse an upload whose header is not UTF-8 or lacks a column, before any job; the file is
    left at its start."""
    first = file.readline(HEADER_BYTES)
    file.seek(0)
    try:
        rows_reader([first.decode("utf-8-sig")])
    except UnicodeDecodeError:
        raise not_utf8_error() from None
