"""Consent files come from core-banking tools on Windows and from the DPO's Excel. Excel on a Vietnamese
Windows (regional format vi-VN: decimal comma, list separator ";") saves "CSV UTF-8" with a BOM, CRLF
line ends and semicolons; an older Windows tool writes Windows-1258. The import must take the first
and explain the second: refused at upload, naming its first bad line (test_import_upload_not_utf8.py), and
a job queued with one before that check stops at that line."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from consents.models import Consent, ConsentImport
from consents.services import consent_import_run, consent_import_start, consents_import_csv
from core.actors import Actor
from core.errors import InvalidInput
from integrations.models import BackgroundJob
from integrations.states import JobStatus
from tests.consents.factories import IMPORTED_ON, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests.import-windows")
COLUMNS = ["subject", "purpose", "notice_version", "channel", "evidence", "granted_at"]


def _run(body: bytes, django_capture_on_commit_callbacks) -> BackgroundJob:
    job = consent_import_start(actor=ACTOR, user=None, file=io.BytesIO(body), filename="legacy.csv")
    return _work(job, django_capture_on_commit_callbacks)


def _run_queued_before_the_check(body: bytes, django_capture_on_commit_callbacks) -> BackgroundJob:
    """A job queued before the upload checked the whole file (its header only): such a file is refused at
    upload now (test_import_upload_not_utf8.py), but a job already queued with one must still end well."""
    job = consent_import_start(actor=ACTOR, user=None, filename="legacy.csv",
                               file=io.BytesIO((",".join(COLUMNS) + "\r\n").encode()))
    with open(job.input_path, "wb") as file:
        file.write(body)
    return _work(job, django_capture_on_commit_callbacks)


def _work(job: BackgroundJob, django_capture_on_commit_callbacks) -> BackgroundJob:
    with django_capture_on_commit_callbacks(execute=True):
        consent_import_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def test_a_file_saved_by_excel_on_a_vietnamese_windows_is_imported(django_capture_on_commit_callbacks):
    make_purpose("marketing", category="marketing")
    a, b = make_subject(), make_subject()
    lines = [";".join(COLUMNS)] + [
        f"{s.external_ref};marketing;v1;paper_form;Phiếu đồng ý số {i};{IMPORTED_ON}"
        for i, s in enumerate((a, b))
    ]
    body = "\ufeff".encode() + "\r\n".join(lines).encode() + b"\r\n"

    job = _run(body, django_capture_on_commit_callbacks)

    assert job.status == JobStatus.DONE, job.report
    assert Consent.objects.filter(subject__in=[a, b], purpose__code="marketing").count() == 2


def test_a_windows_1258_file_stops_at_the_line_that_is_not_utf8_and_imports_the_lines_before_it(
    django_capture_on_commit_callbacks,
):
    make_purpose("marketing", category="marketing")
    good = [make_subject() for _ in range(40)]
    late = make_subject()
    rows = [
        f"{s.external_ref},marketing,v1,paper_form,scan-{i:04d},{IMPORTED_ON}" for i, s in enumerate(good)
    ]
    body = (",".join(COLUMNS) + "\r\n" + "\r\n".join(rows) + "\r\n").encode("ascii")
    body += f"{late.external_ref},marketing,v1,branch,Đơn khách,{IMPORTED_ON}\r\n".encode("cp1258")

    job = _run_queued_before_the_check(body, django_capture_on_commit_callbacks)

    run = ConsentImport.objects.get(job=job)
    # Lines 2 to 41 are good UTF-8 (plain ASCII) and are imported; line 42 is where the file stops.
    assert run.imported == 40
    assert [entry["line"] for entry in run.errors] == [42]


def test_a_small_windows_1258_file_ends_its_job_with_a_message_instead_of_crashing_the_worker(
    django_capture_on_commit_callbacks,
):
    """The header is plain ASCII, so the upload was accepted before the whole file was checked; the
    worker then meets the first Windows-1258 byte. The DPO must see the job end with the line to fix,
    not a job left "running" that the stale-job sweep hands to a worker that crashes again every three
    minutes."""
    make_purpose("marketing", category="marketing")
    subject = make_subject()
    body = (",".join(COLUMNS) + "\r\n").encode("ascii")
    body += f"{subject.external_ref},marketing,v1,branch,Đơn khách,{IMPORTED_ON}\r\n".encode("cp1258")

    job = _run_queued_before_the_check(body, django_capture_on_commit_callbacks)

    assert job.status == JobStatus.FAILED
    assert "UTF-8" in job.error and "2" in job.error


def test_an_over_long_field_ends_its_job_at_that_line_too(django_capture_on_commit_callbacks):
    make_purpose("marketing", category="marketing")
    a, b = make_subject(), make_subject()
    body = "\r\n".join([
        ",".join(COLUMNS),
        f"{a.external_ref},marketing,v1,branch,scan-1,{IMPORTED_ON}",
        f"{b.external_ref},marketing,v1,branch,{'x' * 131_073},{IMPORTED_ON}",
    ]).encode() + b"\r\n"

    job = _run(body, django_capture_on_commit_callbacks)

    assert job.status == JobStatus.FAILED
    assert ConsentImport.objects.get(job=job).imported == 1
    assert [entry["line"] for entry in job.report] == [3]


def test_past_the_first_8_kb_the_line_named_is_the_line_that_is_not_utf8(django_capture_on_commit_callbacks):
    """The file was decoded 8 KB at a time: the chunk holding the bad byte failed as a whole, so the
    good lines before it in that chunk were lost and the line named was the chunk's first."""
    make_purpose("marketing", category="marketing")
    good = [make_subject() for _ in range(300)]
    late = make_subject()
    rows = [
        f"{s.external_ref},marketing,v1,paper_form,scan-{i:04d},{IMPORTED_ON}" for i, s in enumerate(good)
    ]
    body = ("\r\n".join([",".join(COLUMNS), *rows]) + "\r\n").encode("ascii")
    assert len(body) > 2 * 8192  # the bad line is in the third chunk of 8 KB
    body += f"{late.external_ref},marketing,v1,branch,Đơn khách,{IMPORTED_ON}\r\n".encode("cp1258")
    body += f"{good[0].external_ref},marketing,v1,branch,after,{IMPORTED_ON}\r\n".encode()

    job = _run_queued_before_the_check(body, django_capture_on_commit_callbacks)

    run = ConsentImport.objects.get(job=job)
    assert (job.status, run.imported) == (JobStatus.FAILED, 300)
    assert [entry["line"] for entry in run.errors] == [302]
    assert "302" in job.error and "UTF-8" in job.error


def test_the_message_for_a_line_that_is_not_utf8_says_how_to_save_the_file(
    django_capture_on_commit_callbacks,
):
    make_purpose("marketing", category="marketing")
    subject = make_subject()
    body = (",".join(COLUMNS) + "\r\n").encode("ascii")
    body += f"{subject.external_ref},marketing,v1,branch,Đơn khách,{IMPORTED_ON}\r\n".encode("cp1258")

    with translation.override("en"):
        job = _run_queued_before_the_check(body, django_capture_on_commit_callbacks)

    assert job.error.startswith("Line 2 is not UTF-8 text"), job.error
    assert "Windows-1258" in job.error and "CSV UTF-8" in job.error
    assert "not UTF-8" in ConsentImport.objects.get(job=job).errors[0]["reason"]


def test_a_header_that_is_not_utf8_is_refused_at_upload():
    header = ",".join(COLUMNS).replace("evidence", "evidence\xa0").encode("cp1252")

    with pytest.raises(InvalidInput) as error:
        consent_import_start(actor=ACTOR, user=None, file=io.BytesIO(header + b"\r\n"), filename="x.csv")

    assert "UTF-8" in error.value.text and not BackgroundJob.objects.exists()


def test_a_queued_job_whose_header_is_not_utf8_fails_with_the_not_utf8_message(
    django_capture_on_commit_callbacks,
):
    """A job queued before the upload checked the header (or a file replaced since) must end, not crash."""
    job = consent_import_start(actor=ACTOR, user=None, filename="legacy.csv",
                               file=io.BytesIO((",".join(COLUMNS) + "\r\n").encode()))
    with open(job.input_path, "wb") as file:
        file.write((",".join(COLUMNS) + ",ghi_chú\r\n").encode("cp1258"))

    with django_capture_on_commit_callbacks(execute=True):
        consent_import_run(job_id=job.pk)
    job.refresh_from_db()

    assert job.status == JobStatus.FAILED and "UTF-8" in job.error
    assert [entry["line"] for entry in ConsentImport.objects.get(job=job).errors] == [1]


def test_the_api_and_the_command_name_the_line_that_is_not_utf8(dpo, as_user, tmp_path):
    make_purpose("marketing", category="marketing")
    a, b = make_subject(), make_subject()
    body = (",".join(COLUMNS) + "\r\n").encode()
    body += f"{a.external_ref},marketing,v1,branch,scan-1,{IMPORTED_ON}\r\n".encode()
    body += f"{b.external_ref},marketing,v1,branch,Đơn khách,{IMPORTED_ON}\r\n".encode("cp1258")

    response = as_user(dpo).post(
        "/api/v1/consent-imports/?wait=true", {"file": SimpleUploadedFile("legacy.csv", body, "text/csv")},
        format="multipart", HTTP_ACCEPT_LANGUAGE="en",
    )
    path = tmp_path / "legacy.csv"
    path.write_bytes(body)
    with translation.override("en"), pytest.raises(CommandError) as error:
        call_command("import_consents", str(path), "--operator", dpo.username)

    assert response.status_code == 400 and "Line 3 is not UTF-8" in response.json()["file"][0]
    assert "Line 3 is not UTF-8" in str(error.value)
    assert Consent.objects.filter(subject=a).count() == 1


def test_a_semicolon_file_is_accepted_at_upload_and_by_the_synchronous_import():
    make_purpose("marketing", category="marketing")
    subject = make_subject()
    body = "\ufeff" + ";".join(COLUMNS) + "\r\n"
    body += f'{subject.external_ref};marketing;v1;branch;"scan; 1";{IMPORTED_ON}\r\n'

    job = consent_import_start(actor=ACTOR, user=None, file=io.BytesIO(body.encode()), filename="excel.csv")
    run = consents_import_csv(actor=ACTOR, lines=io.StringIO(body).readlines(), filename="excel.csv")

    assert job.status == JobStatus.QUEUED
    assert (run.imported, run.errors) == (1, [])
    assert Consent.objects.get(subject=subject).evidence == "scan; 1"
