"""The keyed hash of the code sent to verify a requester's identity is useless once the code has
expired, and it is derived from personal data: the nightly `purge-identity-codes` empties it on
requests never verified, the request itself staying (docs/operations.md, "What the platform keeps")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import translation

from audit.models import AuditEntry
from config.celery import app
from core.errors import InvalidInput
from dsr import services
from dsr.models import DataSubjectRequest
from dsr.services.identity import OTP_VALID_FOR
from dsr.services.identity_codes import identity_codes_purge_expired
from dsr.tasks import purge_identity_codes
from tests.dsr.factories import MONDAY, STAFF, make_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _code_sent(subject, *, at):
    request = make_request(subject, now=at)
    services.request_identity_otp_send(actor=STAFF, request_id=request.pk, now=at)
    return DataSubjectRequest.objects.get(pk=request.pk)


def test_an_expired_identity_code_hash_is_emptied_and_a_live_one_kept(subject):
    """No job cleared the hash of an unverified request: it stayed on the row for good."""
    expired = _code_sent(subject, at=MONDAY - timedelta(days=1))
    live = _code_sent(make_subject(), at=MONDAY)
    assert expired.identity_otp_hash and live.identity_otp_hash
    status, expires_at = expired.status, expired.identity_otp_expires_at

    assert identity_codes_purge_expired(now=MONDAY + OTP_VALID_FOR / 2) == 1

    expired.refresh_from_db()
    live.refresh_from_db()
    assert expired.identity_otp_hash == ""
    # The request itself stays, untouched but for the hash: its expiry time tells a late code expired.
    assert (expired.status, expired.identity_otp_expires_at) == (status, expires_at)
    assert live.identity_otp_hash != ""
    (entry,) = AuditEntry.objects.filter(action="dsr.request.identity_codes_purged")
    assert entry.data["count"] == 1
    assert identity_codes_purge_expired(now=MONDAY + OTP_VALID_FOR / 2) == 0  # idempotent
    assert AuditEntry.objects.filter(action="dsr.request.identity_codes_purged").count() == 1


def test_a_code_typed_after_its_hash_was_emptied_is_refused_as_expired(subject):
    request = _code_sent(subject, at=MONDAY)
    identity_codes_purge_expired(now=MONDAY + OTP_VALID_FOR * 2)
    with pytest.raises(InvalidInput) as refused:
        services.request_verify_identity(
            actor=STAFF,
            request_id=request.pk,
            method="otp_phone",
            otp_code="123456",
            now=MONDAY + OTP_VALID_FOR * 2,
        )
    with translation.override("en"):
        assert str(refused.value.message) == "The code has expired: send a new one."


def test_beat_sends_the_purge_nightly(subject):
    (entry,) = [e for e in app.conf.beat_schedule.values() if e["task"] == purge_identity_codes.name]
    request = _code_sent(subject, at=MONDAY)
    app.tasks[entry["task"]].apply()
    request.refresh_from_db()
    assert request.identity_otp_hash == ""
