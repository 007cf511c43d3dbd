"""Browser sessions (the signed-in user's id and sign-in times) are deleted once expired by the nightly
`purge-expired-sessions` (docs/security.md, "Sessions, cookies and headers"); a customer's completed
deletion ends theirs (tests/dsr/test_erasure_beyond_own_requests.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.services import sessions_purge_expired
from accounts.tasks import purge_expired_sessions
from audit.models import AuditEntry
from config.celery import app

pytestmark = pytest.mark.django_db


def _session(*, user_id: str, expires_in: timedelta) -> str:
    store = SessionStore()
    store["_auth_user_id"] = user_id
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() + expires_in)
    return store.session_key


def test_the_nightly_job_deletes_expired_sessions_only():
    """django_session rows outlived their expiry: no beat entry ran `clearsessions`."""
    expired = _session(user_id="42", expires_in=-timedelta(days=400))
    live = _session(user_id="43", expires_in=timedelta(hours=1))
    (entry,) = [e for e in app.conf.beat_schedule.values() if e["task"] == purge_expired_sessions.name]

    app.tasks[entry["task"]].apply()

    assert set(Session.objects.values_list("session_key", flat=True)) == {live}
    assert expired not in str(AuditEntry.objects.get(action="core.session.purged").data)
    assert sessions_purge_expired() == 0
