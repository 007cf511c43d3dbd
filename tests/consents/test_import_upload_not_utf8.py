"""A consent file that is not UTF-8 (Windows-1258 or CP1252 from an old Excel or Windows tool) is refused
when it is uploaded, on the staff page and on the API, whichever line holds the first bad byte: 400 (or
the form's error) naming that line and saying how Excel saves "CSV UTF-8", nothing stored, no job.

Before, only the header was checked at upload: a file whose header was plain ASCII was kept, a job
queued, and the worker failed seconds later at the first Vietnamese letter, after importing the lines
before it."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from consents.models import Consent, ConsentImport
from consents.services import consent_import_start, import_file
from core.actors import Actor
from core.errors import InvalidInput
from integrations.models import BackgroundJob
from tests.consents.factories import IMPORTED_ON, make_purpose
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests.import-upload")
HEADER = "subject,purpose,notice_version,channel,evidence,granted_at\r\n"


def _legacy_file(good_rows: int = 1) -> bytes:
    """A header and `good_rows` plain-ASCII rows, then a row written in Windows-1258 (line good_rows + 2)."""
    make_purpose("marketing", category="marketing")
    body = HEADER.encode("ascii")
    for i in range(good_rows):
        body += f"{make_subject().external_ref},marketing,v1,paper_form,scan-{i},{IMPORTED_ON}\r\n".encode()
    body += f"{make_subject().external_ref},marketing,v1,branch,Đơn khách,{IMPORTED_ON}\r\n".encode("cp1258")
    return body


def _nothing_kept(jobs_dir) -> bool:
    stored = list(jobs_dir.iterdir()) if jobs_dir.exists() else []
    return not (BackgroundJob.objects.exists() or ConsentImport.objects.exists() or Consent.objects.exists()
                or stored)


def test_the_staff_page_refuses_the_file_and_names_the_line(dpo, jobs_dir):
    upload = SimpleUploadedFile("legacy.csv", _legacy_file(good_rows=1), content_type="text/csv")

    answer = signed_in(dpo).post("/en/portal/consents/import/", {"file": upload})

    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Line 3 is not UTF-8 text" in page and "CSV UTF-8" in page
    assert _nothing_kept(jobs_dir)


@pytest.mark.parametrize("wait", ["", "?wait=true"])
def test_the_api_answers_400_in_english_and_vietnamese_and_keeps_nothing(dpo, as_user, jobs_dir, wait):
    body = _legacy_file(good_rows=2)
    client = as_user(dpo)

    answers = {
        language: client.post(
            f"/api/v1/consent-imports/{wait}", {"file": SimpleUploadedFile("legacy.csv", body, "text/csv")},
            format="multipart", HTTP_ACCEPT_LANGUAGE=language,
        )
        for language in ("en", "vi")
    }

    assert {language: a.status_code for language, a in answers.items()} == {"en": 400, "vi": 400}
    english, vietnamese = answers["en"].json()["file"][0], answers["vi"].json()["file"][0]
    assert english.startswith("Line 4 is not UTF-8 text") and "Nothing was imported" in english
    assert "CSV UTF-8" in english and "Save As" in english
    assert vietnamese.startswith("Dòng 4 không phải văn bản UTF-8") and "CSV UTF-8" in vietnamese
    assert _nothing_kept(jobs_dir)


def test_a_bad_byte_far_into_a_large_file_is_found_and_its_line_named(monkeypatch, jobs_dir):
    """The whole file is decoded at upload, a chunk at a time: the bad line is found past many chunks."""
    monkeypatch.setattr(import_file, "UPLOAD_CHUNK", 4096)
    body = _legacy_file(good_rows=600)
    assert len(body) > 8 * 4096

    with pytest.raises(InvalidInput) as error:
        consent_import_start(actor=ACTOR, user=None, file=io.BytesIO(body), filename="legacy.csv")

    assert error.value.text.startswith("Line 602 is not UTF-8 text"), error.value.text
    assert _nothing_kept(jobs_dir)


def test_a_vietnamese_letter_across_two_chunks_is_utf8_and_the_file_is_queued(monkeypatch):
    monkeypatch.setattr(import_file, "UPLOAD_CHUNK", 64)
    make_purpose("marketing", category="marketing")
    row = f"{make_subject().external_ref},marketing,v1,branch,Đơn khách ở Hà Nội,{IMPORTED_ON}\r\n"
    body = (HEADER + row * 20).encode()
    # Some chunk boundary falls inside a letter of two or three bytes.
    assert any(body[:end].decode(errors="ignore").encode() != body[:end] for end in range(64, len(body), 64))

    job = consent_import_start(actor=ACTOR, user=None, file=io.BytesIO(body), filename="utf8.csv")

    assert BackgroundJob.objects.filter(pk=job.pk).exists()


def test_a_file_that_ends_inside_a_letter_is_not_utf8_on_its_last_line():
    body = HEADER.encode() + "CIF1,marketing,v1,branch,Đ".encode()[:-1]

    with pytest.raises(InvalidInput) as error:
        consent_import_start(actor=ACTOR, user=None, file=io.BytesIO(body), filename="cut.csv")

    assert error.value.text.startswith("Line 2 is not UTF-8 text")
    assert not BackgroundJob.objects.exists()


def _line_the_worker_names(body: bytes) -> int | None:
    try:
        for _line in import_file.text_lines(io.BytesIO(body)):
            pass
    except import_file.NotUtf8 as error:
        return error.line
    return None


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 4096])
@pytest.mark.parametrize("end", [b"\r\n", b"\n", b"\r"])
def test_the_upload_names_the_line_the_worker_would_name(monkeypatch, chunk, end):
    """Lines end in CR, LF or CRLF, as the worker reads them, wherever the chunks are cut."""
    monkeypatch.setattr(import_file, "UPLOAD_CHUNK", chunk)
    lines = [b"a,b", b"", "Hà Nội".encode(), b"x\r", "Đơn".encode("cp1258"), b"after"]
    bodies = [end.join(lines), end.join(lines[:3]) + end, "\ufeffĐ".encode()[:-1]]

    for body in bodies:
        expected = _line_the_worker_names(body)
        assert import_file._first_line_not_utf8(io.BytesIO(body)) == expected, body
