"""A void corrects a record without rewriting what the record already said: the receipts of a refusal
and of a grant keep their bytes, a refusal keeps its answer time as its end, and the note (which may
name another customer) is kept encrypted beside the event, the audit entry holding only its keyed
fingerprint."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import AuditEntry
from consents import services
from consents.models import ConsentEvent, ConsentStatus
from consents.receipts import consent_receipt
from core.actors import actor_for_user
from tests.consents.factories import STAFF, grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
NOTE = "Form belongs to Nguyễn Văn B, CIF 00123999, not this customer."


def _refusal(at):
    return services.consent_refuse(
        actor=STAFF,
        request=services.GrantRequest(subject=make_subject(), purpose=make_purpose("sharing"),
                                      notice_version="v1", channel="paper_form", evidence="PF-1"),
        now=at,
    )


def _void(dpo, consent, now):
    services.consent_void(actor=actor_for_user(dpo), consent_id=consent.pk, reason="wrong_customer",
                          note=NOTE, now=now)
    consent.refresh_from_db()


def _receipt_bytes(consent, event_id) -> bytes:
    consent.refresh_from_db()
    return json.dumps(consent_receipt(consent, event_id=event_id), sort_keys=True).encode()


@pytest.mark.parametrize("answer", ["refusal", "grant"])
def test_the_answers_receipt_keeps_its_bytes_after_a_void(dpo, answer):
    answered = timezone.now() - timedelta(hours=2)
    consent = _refusal(answered) if answer == "refusal" else grant(now=answered)
    (first,) = consent.events.all()
    before = _receipt_bytes(consent, first.pk)

    _void(dpo, consent, now=timezone.now())

    assert _receipt_bytes(consent, first.pk) == before
    said = json.loads(before)
    assert (said["refused_at"] is not None) == (answer == "refusal")
    assert (said["granted_at"] is not None) == (answer == "grant")


def test_a_voided_refusal_keeps_its_answer_time_as_its_end(dpo):
    answered = timezone.now() - timedelta(hours=2)
    refusal = _refusal(answered)
    _void(dpo, refusal, now=timezone.now())
    assert refusal.status == ConsentStatus.VOIDED and refusal.ended_at == answered


def test_the_note_is_kept_encrypted_with_the_event_and_the_audit_holds_only_its_fingerprint(dpo):
    consent = grant()
    _void(dpo, consent, now=timezone.now())

    event = consent.events.get(kind=ConsentEvent.Kind.VOIDED)
    assert event.note == NOTE
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM consents_consentevent WHERE kind = 'voided'")
        (stored,) = cursor.fetchone()
    assert "Nguyễn" not in stored and "00123999" not in stored
    entry = AuditEntry.objects.get(action="consents.consent.voided", target_id=str(consent.pk))
    assert "Nguyễn" not in json.dumps(entry.data, ensure_ascii=False) and "note" not in entry.data
    assert {k: entry.data[k] for k in ("reason", "role", "event")} == {
        "reason": "wrong_customer", "role": "dpo", "event": str(event.pk),
    }
    assert len(entry.data["note_fingerprint"]) == 16


def test_an_erasure_erases_the_note(dpo):
    consent = grant()
    _void(dpo, consent, now=timezone.now())
    assert services.consent_void_notes_erase(subject_id=consent.subject_id) == 1
    event = consent.events.get(kind=ConsentEvent.Kind.VOIDED)
    assert NOTE not in event.note and event.reason == "wrong_customer"
