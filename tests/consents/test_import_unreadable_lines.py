"""A consent file line the CSV reader cannot follow stops the import at that line, after importing the
rows before it (docs/consents.md): a stray quote, which the lenient reader used to follow to the end of
the file, merging the next customers' rows into one refused row; and a NUL byte, which Python's csv reads
(3.11+), so it was stored in the evidence on SQLite and answered 500 on PostgreSQL, losing the batch."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from consents.models import Consent
from tests.consents.factories import IMPORTED_ON, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
HEADER = "subject,purpose,notice_version,channel,evidence,granted_at\r\n"


def _import(client, body: str):
    client.raise_request_exception = False
    return client.post(
        "/api/v1/consent-imports/?wait=true",
        {"file": SimpleUploadedFile("f.csv", body.encode(), "text/csv")},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _row(subject, evidence: str) -> str:
    return f"{subject.external_ref},marketing,v1,paper_form,{evidence},{IMPORTED_ON}\r\n"


@pytest.fixture
def three(db):
    make_purpose("marketing", category="marketing")
    return make_subject(), make_subject(), make_subject()


def _stopped_at_line_3(answer) -> bool:
    """The import's answer: 400 on `file`, naming the line it stopped at and the one row imported."""
    [message] = answer.json()["file"]
    return answer.status_code == 400 and message.startswith("Line 3 cannot be read") and "; 1 rows" in message


@pytest.mark.parametrize(
    "evidence",
    [
        '"scan-2',  # a stray quote: the field it opens never closes
        '"scan"-2',  # text after a closing quote
        "scan\x00-2",  # a NUL byte
    ],
)
def test_an_unreadable_line_stops_the_import_there_and_keeps_the_rows_before(dpo, as_user, three, evidence):
    a, b, c = three
    body = HEADER + _row(a, "scan-1") + _row(b, evidence) + _row(c, "scan-3")
    answer = _import(as_user(dpo), body)
    assert _stopped_at_line_3(answer), (answer.status_code, answer.content[:300])
    assert list(Consent.objects.values_list("subject", "evidence")) == [(a.pk, "scan-1")]


def test_a_quoted_field_across_lines_is_still_read(dpo, as_user, three):
    a, b, c = three
    body = HEADER + _row(a, '"scan-1\r\nback page"') + _row(b, "scan-2")
    answer = _import(as_user(dpo), body)
    assert answer.json()["errors"] == [], answer.json()
    assert Consent.objects.count() == 2
