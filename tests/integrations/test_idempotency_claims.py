"""`Idempotency-Key` claims that cannot outlive their work, and stored answers without readable
personal data (issues #19 and #15, finding 1).

The database "goes down" in the middle of each idempotent write: from the audit insert on, it refuses
every statement except the rollback (a dropped connection rolls back on the server too). When it is
back, the retry with the same key must complete, exactly once, and a further retry replays it.
"""
from __future__ import annotations

import json
import threading

import pytest
from django.db import OperationalError, connection, transaction

from audit.models import AuditEntry
from config.celery import app as celery_app
from consents.models import Consent
from core.actors import actor_for_user
from dsr.models import DataSubjectRequest
from dsr.services.deletion import deletion_fulfil
from integrations.models import IdempotencyRecord
from subjects import services as subjects_services
from subjects.keys import encrypted_models
from subjects.models import DataSubject
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import make_inventory, verified_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db

_TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT", "BEGIN")


class DatabaseOutage:
    """An `execute_wrapper` that takes the database away when the first audit entry is inserted."""

    def __init__(self) -> None:
        self.down = False
        self.tripped = False

    def __call__(self, execute, sql, params, many, context):
        statement = sql.lstrip().upper()
        if not self.tripped and statement.startswith("INSERT") and "AUDITENTRY" in statement:
            self.tripped = self.down = True
        if self.down and not statement.startswith(_TRANSACTION_CONTROL):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


def _withdrawal():
    consent = grant(purpose=make_purpose("marketing", category="marketing"))
    return f"/api/v1/consents/{consent.pk}/withdraw/", {"channel": "call_centre", "reason": "by phone"}


def _customer_creation():
    body = {"external_ref": "CIFOUT001", "full_name": "Lê Lợi", "national_id": "001099012345"}
    return "/api/v1/subjects/", body


def _grant():
    make_purpose("marketing", category="marketing")
    subject = make_subject()
    body = {"subject": subject.external_ref, "purpose": "marketing", "notice_version": "v1",
            "channel": "branch", "evidence": "FORM-0001"}
    return "/api/v1/consents/", body


def _request_creation():
    subject = make_subject()
    return "/api/v1/requests/", {"subject": subject.external_ref, "type": "access", "channel": "branch"}


def _written(operation: str) -> int:
    return {
        "withdrawal": lambda: Consent.objects.filter(status="withdrawn").count(),
        "customer creation": lambda: DataSubject.objects.filter(external_ref="CIFOUT001").count(),
        "grant": lambda: Consent.objects.count(),
        "request creation": lambda: DataSubjectRequest.objects.count(),
    }[operation]()


OPERATIONS = {
    "withdrawal": _withdrawal,
    "customer creation": _customer_creation,
    "grant": _grant,
    "request creation": _request_creation,
}


# Transactional: the write must not run inside the test's own transaction, as in production.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_a_retry_after_the_database_failed_mid_write_completes_once(operation, as_user, officer, monkeypatch):
    monkeypatch.setattr("integrations.api.idempotency.IN_FLIGHT_WAIT_SECONDS", 0.2)
    path, body = OPERATIONS[operation]()
    api = as_user(officer)
    before = _written(operation)

    outage = DatabaseOutage()
    with connection.execute_wrapper(outage):
        failed = api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="retry-me")
    assert outage.tripped, "the fault never met the write"
    assert failed.status_code == 503 and failed["Retry-After"]
    assert _written(operation) == before

    retried = api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="retry-me")
    assert retried.status_code in (200, 201), retried.json()
    again = api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY="retry-me")
    assert again.status_code == retried.status_code and again.json() == retried.json()
    assert again["Idempotent-Replayed"] == "true"
    assert _written(operation) == before + 1
    assert IdempotencyRecord.objects.filter(key="retry-me").count() == 1


SUBJECT = {
    "external_ref": "CIFPII001",
    "full_name": "Trần Hưng Đạo",
    "national_id": "079088001234",
    "date_of_birth": "1988-05-01",
    "phone": "0912345678",
    "email": "hung.dao@example.vn",
}


def _raw_answer_columns() -> str:
    table = IdempotencyRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - the model's own table
        return json.dumps(cursor.fetchall(), default=str)


def test_the_stored_answer_holds_no_readable_personal_data(as_user, officer):
    api = as_user(officer)
    first = api.post("/api/v1/subjects/", SUBJECT, format="json", HTTP_IDEMPOTENCY_KEY="pii-1")
    assert first.status_code == 201

    raw = _raw_answer_columns()
    for value in ("079088001234", "0912345678", "hung.dao@example.vn", "Trần Hưng Đạo", "Tr\\u1ea7n"):
        assert value not in raw
    replay = api.post("/api/v1/subjects/", SUBJECT, format="json", HTTP_IDEMPOTENCY_KEY="pii-1")
    assert replay.json() == first.json()


def test_key_rotation_reaches_the_stored_answers():
    rotated = {m.model for m in encrypted_models()}
    assert IdempotencyRecord in rotated


def test_expiry_of_old_keys_is_scheduled():
    tasks = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert "integrations.expire_idempotency_keys" in tasks
    celery_app.loader.import_default_modules()
    assert "integrations.expire_idempotency_keys" in celery_app.tasks


def test_erasing_a_customer_erases_the_answers_about_them(as_user, officer, privacy_officer):
    api = as_user(officer)
    created = api.post("/api/v1/subjects/", SUBJECT, format="json", HTTP_IDEMPOTENCY_KEY="erase-1")
    someone_else = {**SUBJECT, "external_ref": "CIFPII002", "national_id": "079088001235",
                    "phone": "0912345679", "email": "b@example.vn"}
    other = api.post("/api/v1/subjects/", someone_else, format="json", HTTP_IDEMPOTENCY_KEY="erase-2")
    assert created.status_code == other.status_code == 201
    subject = DataSubject.objects.get(pk=created.json()["id"])
    make_inventory()
    request = verified_request(subject, type="delete")
    with transaction.atomic():
        deletion_fulfil(request, actor=actor_for_user(privacy_officer), now=request.received_at)

    answers = dict(IdempotencyRecord.objects.values_list("key", "response_body"))
    assert answers["erase-1"] is None and "CIFPII002" in answers["erase-2"]
    # A plain hash of the request (the customer's details, a void's note) could be matched by a guess.
    fingerprints = dict(IdempotencyRecord.objects.values_list("key", "request_fingerprint"))
    assert fingerprints["erase-1"] == "" and len(fingerprints["erase-2"]) == 64
    assert "079088001234" not in _raw_answer_columns()
    late = api.post("/api/v1/subjects/", SUBJECT, format="json", HTTP_IDEMPOTENCY_KEY="erase-1")
    assert late.status_code == 409 and late.json()["code"] == "idempotency_answer_erased"
    assert DataSubject.objects.filter(external_ref="CIFPII001").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_retry_while_the_first_attempt_runs_is_409_with_retry_after(as_user, officer, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer: a retry waits for the first attempt instead")
    monkeypatch.setattr("integrations.api.idempotency.IN_FLIGHT_WAIT_SECONDS", 0.5)
    # Both clients first: issuing a token writes an audit entry, which would queue behind the first attempt.
    api, retrier = as_user(officer), as_user(officer)
    running, release = threading.Event(), threading.Event()
    original = subjects_services.audit_record

    def slow_audit_record(**fields):
        entry = original(**fields)
        running.set()
        release.wait(10)
        return entry

    monkeypatch.setattr(subjects_services, "audit_record", slow_audit_record)
    answers = {}

    def first():
        try:
            answers["first"] = api.post(
                "/api/v1/subjects/", SUBJECT, format="json", HTTP_IDEMPOTENCY_KEY="busy"
            )
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert running.wait(10)
    retry = retrier.post("/api/v1/subjects/", SUBJECT, format="json", HTTP_IDEMPOTENCY_KEY="busy")
    release.set()
    thread.join(20)

    assert retry.status_code == 409 and retry.json()["code"] == "idempotency_in_flight"
    assert int(retry["Retry-After"]) >= 1
    assert answers["first"].status_code == 201
    replay = retrier.post("/api/v1/subjects/", SUBJECT, format="json", HTTP_IDEMPOTENCY_KEY="busy")
    assert replay.json() == answers["first"].json()
    assert AuditEntry.objects.filter(action="core.subject.created").count() == 1
