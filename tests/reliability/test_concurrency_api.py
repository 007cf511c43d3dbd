"""Many clients at once through the API: consistent state, complete history, one write per key.

Each thread is its own API client on its own database connection (Django connections are
per-thread), released by a barrier so the requests really overlap. On SQLite the file test database
and IMMEDIATE transactions queue the writers; on PostgreSQL row locks and the partial unique index
decide. The assertions are the same on both.
"""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEntry
from audit.selectors import audit_chain_verify
from consents.models import Consent, ConsentEvent, ConsentState, ConsentStatus
from core.roles import Role
from dsr.models import DataSubjectRequest
from integrations.models import IdempotencyRecord
from tests.concurrency import run_together
from tests.consents.factories import make_purpose
from tests.factories import UserFactory, make_subject, make_token

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 12


def _client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def token():
    return make_token(UserFactory(role=Role.CLIENT))


def _audit_chain_is_whole():
    sequences = list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, len(sequences) + 1)), "the audit chain has a gap"
    assert audit_chain_verify().valid


def test_simultaneous_grants_and_withdrawals_leave_one_consistent_history(token):
    subject = make_subject()
    purpose = make_purpose("race-marketing")
    grant_body = {
        "subject": subject.external_ref,
        "purpose": purpose.code,
        "notice_version": "v1",
        "channel": "api",
        "session": "app-session-1",
    }
    withdraw_body = {"subject": subject.external_ref, "purposes": [purpose.code], "channel": "api"}
    audit_before = AuditEntry.objects.count()
    random.seed(6)

    def grant():
        response = _client(token).post("/api/v1/consents/", grant_body, format="json")
        return "grant", response.status_code, response.json()

    def withdraw():
        response = _client(token).post("/api/v1/consents/withdraw/", withdraw_body, format="json")
        return "withdraw", response.status_code, response.json()

    # Two rounds: the second starts from whatever state the first left.
    results = []
    for _round in range(2):
        calls = [grant] * (THREADS // 2) + [withdraw] * (THREADS // 2)
        random.shuffle(calls)
        results += run_together(calls)

    codes = Counter((op, code) for op, code, _ in results)
    assert set(codes) <= {("grant", 201), ("grant", 409), ("withdraw", 200)}, codes
    granted_ids = {body["id"] for op, code, body in results if op == "grant" and code == 201}
    withdrawn_ids = [row["id"] for op, code, body in results if op == "withdraw" for row in body["withdrawn"]]
    assert granted_ids, "at least the first grant must succeed"

    consents = Consent.objects.filter(subject=subject, purpose=purpose)
    # Every accepted grant is one row; every refused one (409) wrote no row.
    assert {str(pk) for pk in consents.values_list("pk", flat=True)} == granted_ids
    assert consents.filter(status=ConsentStatus.GRANTED).count() <= 1
    # A consent is withdrawn at most once, and exactly the ones the API reported.
    assert len(withdrawn_ids) == len(set(withdrawn_ids))
    assert set(withdrawn_ids) == {
        str(pk) for pk in consents.filter(status=ConsentStatus.WITHDRAWN).values_list("pk", flat=True)
    }

    # Complete history: one event and one audit entry per accepted operation, nothing for refusals.
    events = Counter(ConsentEvent.objects.filter(subject=subject).values_list("kind", flat=True))
    assert events == Counter({"granted": len(granted_ids), "withdrawn": len(withdrawn_ids)}) - Counter()
    audit = Counter(
        AuditEntry.objects.filter(subject_id=subject.pk, action__startswith="consents.consent.").values_list(
            "action", flat=True
        )
    )
    assert (
        audit
        == Counter(
            {"consents.consent.granted": len(granted_ids), "consents.consent.withdrawn": len(withdrawn_ids)}
        )
        - Counter()
    )
    assert AuditEntry.objects.count() - audit_before == len(granted_ids) + len(withdrawn_ids)

    # The current-state row (what the check reads) agrees with the last event. "Last" is commit
    # order, read from the audit sequence (the chain's head row is locked until commit). Event times
    # are taken when a request starts, so on PostgreSQL a grant that waited on a row lock can carry
    # an earlier time than the withdrawal it waited for (see docs/reliability.md).
    last_entry = (
        AuditEntry.objects.filter(subject_id=subject.pk, action__startswith="consents.consent.")
        .order_by("sequence")
        .last()
    )
    last = ConsentEvent.objects.get(pk=last_entry.data["event"])
    state = ConsentState.objects.get(subject=subject, purpose=purpose)
    live = consents.filter(status=ConsentStatus.GRANTED).first()
    assert state.status == last.kind
    assert state.consent_id == last.consent_id
    assert (live is not None) == (state.status == ConsentStatus.GRANTED)
    check = _client(token).get(
        f"/api/v1/consent-check/?subject={subject.external_ref}&purpose={purpose.code}"
    )
    assert check.json()["allowed"] == (live is not None)
    _audit_chain_is_whole()


def test_concurrent_api_writers_never_fork_or_gap_the_audit_chain(token):
    purpose = make_purpose("race-chain")
    subjects = [make_subject() for _ in range(THREADS)]
    before = AuditEntry.objects.count()

    def grant_for(subject):
        body = {
            "subject": subject.external_ref,
            "purpose": purpose.code,
            "notice_version": "v1",
            "channel": "api",
            "session": "app-session-1",
        }
        return lambda: _client(token).post("/api/v1/consents/", body, format="json").status_code

    def create_subject(n):
        body = {"external_ref": f"CIFRACE{n:03d}", "full_name": "Chuỗi Kiểm Toán"}
        return lambda: _client(token).post("/api/v1/subjects/", body, format="json").status_code

    calls = [grant_for(s) for s in subjects] + [create_subject(n) for n in range(THREADS)]
    assert set(run_together(calls)) == {201}
    assert AuditEntry.objects.count() - before == 2 * THREADS
    _audit_chain_is_whole()


@pytest.mark.parametrize("operation", ["grant", "withdraw", "request"])
def test_idempotency_key_retries_at_once_write_once(token, operation):
    subject = make_subject()
    purpose = make_purpose(f"race-key-{operation}")
    if operation == "withdraw":
        _client(token).post(
            "/api/v1/consents/",
            {
                "subject": subject.external_ref,
                "purpose": purpose.code,
                "notice_version": "v1",
                "channel": "api",
                "session": "app-session-1",
            },
            format="json",
        )
    url, body = {
        "grant": (
            "/api/v1/consents/",
            {
                "subject": subject.external_ref,
                "purpose": purpose.code,
                "notice_version": "v1",
                "channel": "api",
                "session": "app-session-1",
            },
        ),
        "withdraw": (
            "/api/v1/consents/withdraw/",
            {"subject": subject.external_ref, "purposes": [purpose.code], "channel": "api"},
        ),
        "request": (
            "/api/v1/requests/",
            {"subject": subject.external_ref, "type": "access", "channel": "api"},
        ),
    }[operation]
    audit_before = AuditEntry.objects.filter(subject_id=subject.pk).count()

    def send():
        response = _client(token).post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=f"retry-{operation}")
        return response.status_code, response.json()

    results = run_together([send] * THREADS)

    statuses = Counter(code for code, _ in results)
    assert set(statuses) <= {200, 201}, statuses
    # Every retry got the first answer back.
    assert len({json.dumps(body, sort_keys=True) for _, body in results}) == 1
    written = AuditEntry.objects.filter(subject_id=subject.pk).count() - audit_before
    if operation == "grant":
        assert Consent.objects.filter(subject=subject, purpose=purpose).count() == 1
        assert written == 1
    elif operation == "withdraw":
        assert Consent.objects.get(subject=subject, purpose=purpose).status == ConsentStatus.WITHDRAWN
        assert ConsentEvent.objects.filter(subject=subject, kind="withdrawn").count() == 1
        assert (
            AuditEntry.objects.filter(subject_id=subject.pk, action="consents.consent.withdrawn").count() == 1
        )
    else:
        assert DataSubjectRequest.objects.filter(subject=subject).count() == 1
        assert AuditEntry.objects.filter(subject_id=subject.pk, action="dsr.request.received").count() == 1
    assert IdempotencyRecord.objects.filter(key=f"retry-{operation}").count() == 1
    _audit_chain_is_whole()
