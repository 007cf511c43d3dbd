"""A consent file as the import reads it: its bytes into lines of text, its header into columns.

Files come from Excel and from core-banking tools on Windows. Excel's "CSV UTF-8" starts with a byte
order mark and, on a Windows whose regional format is Vietnamese (decimal comma), separates the
columns with ";" instead of ","; both are read, the separator found from the header line. Text must be
UTF-8: a file an older tool wrote in Windows-1258 (or ANSI, CP1252) is refused at upload, naming its
first line that is not (`upload_check`); a line that is not UTF-8 met later (a job queued before the
upload checked the whole file, or the `import_consents` command) stops the import there, after the
lines before it (`consents.services.import_rows` imports them).
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
# How much of an upload is decoded at once when it is checked: memory stays flat whatever its size.
UPLOAD_CHUNK = 1 << 20


class NotUtf8(ValueError):
    """A line of the file is not UTF-8 text; `line` is its number (1 is the header)."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def not_utf8_error() -> InvalidInput:
    return InvalidInput(_("The file is not UTF-8 text; save it as CSV UTF-8."), field="file")


def upload_not_utf8_error(line: int) -> InvalidInput:
    return InvalidInput(
        _("Line %(line)s is not UTF-8 text: the file was probably saved as Windows-1258 or ANSI. Nothing "
          "was imported. In Excel, open the file, choose File > Save As, pick the type “CSV UTF-8 "
          "(Comma delimited) (*.csv)”, and upload the file saved that way."),
        field="file", line=line,
    )


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
    # Strict: a stray quote is an error at its line, where the lenient reader followed the quoted field
    # to the end of the file, swallowing the customers' rows after it into one refused row.
    reader = csv.DictReader(_refusing_nul(itertools.chain([first], lines)), delimiter=separator, strict=True)
    header = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InvalidInput(
            _("The file lacks the columns: %(columns)s."), field="file", columns=", ".join(missing)
        )
    reader.fieldnames = header
    return reader


def _refusing_nul(lines: Iterable[str]) -> Iterator[str]:
    """The lines, stopping the reader at one holding a NUL byte: Python's csv reads NUL (3.11+), which
    PostgreSQL cannot store in text, and no consent record has a use for one."""
    for line in lines:
        if "\x00" in line:
            raise csv.Error("NUL byte")
        yield line


def upload_check(file: BinaryIO) -> None:
    """Refuse an upload that is not UTF-8 text from its first line to its last, or whose header lacks a
    column, before anything is stored; the file is left at its start.

    An import has no size limit (a bank moving millions of paper consents), so the file is decoded a
    chunk at a time by the C decoder: memory stays flat, and 75 MB (a million rows) take about 0.5 s."""
    try:
        line = _first_line_not_utf8(file)
        if line is not None:
            raise upload_not_utf8_error(line)
        file.seek(0)
        rows_reader([file.readline(HEADER_BYTES).decode("utf-8-sig", errors="replace")])
    finally:
        file.seek(0)


def _first_line_not_utf8(file: BinaryIO) -> int | None:
    """The number of the first line holding a byte that is not UTF-8, as `text_lines` numbers lines
    (ended by CR, LF or CRLF); None when there is none."""
    offset = _first_byte_not_utf8(file)
    if offset is None:
        return None
    # Only a file that fails is read again, its line ends counted (in C) up to the bad byte.
    file.seek(0)
    breaks, ended_with_cr = 0, False
    while offset > 0:
        piece = file.read(min(UPLOAD_CHUNK, offset))
        if not piece:
            break
        offset -= len(piece)
        breaks += piece.count(b"\n") + piece.count(b"\r") - piece.count(b"\r\n")
        if ended_with_cr and piece.startswith(b"\n"):
            breaks -= 1  # a CRLF cut in two is one line end
        ended_with_cr = piece.endswith(b"\r")
    return breaks + 1


def _first_byte_not_utf8(file: BinaryIO) -> int | None:
    """Where in the file the first byte that is not UTF-8 is; None when there is none."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    read = 0
    try:
        for chunk in iter(lambda: file.read(UPLOAD_CHUNK), b""):
            # An incomplete letter at the chunk's end is kept for the next chunk, or judged at the end.
            decoder.decode(chunk)
            read += len(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        # The error's position counts the incomplete letter the decoder kept from the chunk before.
        kept = len(decoder.getstate()[0])
        return read - kept + error.start
    return None
