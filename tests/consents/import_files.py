"""A consent import's CSV as the tests of legacy files write it: the header with every column, then
the rows, read back as the importer reads an uploaded file's lines."""

from __future__ import annotations

import io

from core.actors import Actor

IMPORTER = Actor.system("import_consents")
HEADER = "subject,purpose,notice_version,channel,evidence,granted_at,guardian,sensitive_acknowledged,outcome"


def csv_lines(*rows: str) -> list[str]:
    return io.StringIO("\n".join([HEADER, *rows]) + "\n").readlines()
