"""Redis, which production uses for the broker AND both caches (config/settings.py), down or silent.

The consent check and a withdrawal need only the database: with Redis refusing connections they still
answer, and with a Redis that accepts connections but never replies they answer within seconds (the
socket timeouts of REDIS_SOCKET_OPTIONS), the outbox keeping the message for its sweep. No redis-server
is needed: a closed port stands for a stopped Redis, a socket that never reads for a silent one.
"""

from __future__ import annotations

import logging
import socket
import threading
import time

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from consents.models import ConsentStatus
from core.roles import Role
from integrations.models import OutboxMessage
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.factories import UserFactory, make_subject, make_token, signed_in
from tests.reliability.servers import free_port, point_celery_at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def silent_redis():
    """A TCP server that completes the handshake and never reads nor replies."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(128)
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    server.close()


def _caches_at(settings, url: str) -> None:
    """Both caches on `url`, wired as config/settings.py wires them when REDIS_URL is set."""
    redis_cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "OPTIONS": settings.REDIS_SOCKET_OPTIONS,
    }
    settings.CACHES = {"default": redis_cache, "throttle": {**redis_cache, "KEY_PREFIX": "throttle"}}


def _api() -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(UserFactory(role=Role.CLIENT))}")
    return client


def _timed(seconds: float, call):
    """The call's result (None if it has not returned after `seconds`) and the seconds it took."""
    box = {}
    thread = threading.Thread(target=lambda: box.setdefault("result", call()), daemon=True)
    started = time.monotonic()
    thread.start()
    thread.join(seconds)
    return box.get("result"), time.monotonic() - started


def test_consent_check_answers_while_the_caches_redis_is_down(settings, caplog):
    subject = make_subject()
    purpose = make_purpose("redis-down-check", category="marketing")
    api = _api()
    _caches_at(settings, f"redis://127.0.0.1:{free_port()}/0")
    with caplog.at_level(logging.WARNING, logger="integrations.api.throttling"):
        answers = [
            api.get("/api/v1/consent-check/", {"subject": subject.external_ref, "purpose": purpose.code})
            for _ in range(3)
        ]
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    warnings = [record for record in caplog.records if record.name == "integrations.api.throttling"]
    assert len(warnings) == 1  # once per pause, not once per call
    assert subject.external_ref not in caplog.text


def test_api_withdrawal_commits_while_redis_is_down(settings):
    consent = grant(purpose=make_purpose("redis-down-withdraw", category="marketing"))
    api = _api()
    dead = f"redis://127.0.0.1:{free_port()}/0"
    _caches_at(settings, dead)
    previous = point_celery_at(dead, {"visibility_timeout": 3600, **settings.REDIS_SOCKET_OPTIONS})
    try:
        response = api.post(f"/api/v1/consents/{consent.pk}/withdraw/", {"channel": "api"}, format="json")
    finally:
        point_celery_at(*previous)
    consent.refresh_from_db()
    assert (response.status_code, consent.status) == (200, ConsentStatus.WITHDRAWN)


def test_consent_check_does_not_hang_on_a_silent_redis(settings, silent_redis):
    subject = make_subject()
    purpose = make_purpose("redis-silent-check", category="marketing")
    api = _api()
    _caches_at(settings, silent_redis)
    response, elapsed = _timed(
        15,
        lambda: api.get("/api/v1/consent-check/", {"subject": subject.external_ref, "purpose": purpose.code}),
    )
    assert response is not None and elapsed < 5, f"no answer after {elapsed:.1f} s"
    assert response.status_code == 200


def test_staff_withdrawal_does_not_hang_on_a_silent_broker(settings, officer, silent_redis):
    partner = make_recipient(
        "Silent-broker partner", client=UserFactory(role=Role.CLIENT), url="https://partner.example/hooks"
    )
    consent = grant(purpose=make_purpose("redis-silent-share", category="sharing", recipients=[partner]))
    previous = point_celery_at(silent_redis, {"visibility_timeout": 3600, **settings.REDIS_SOCKET_OPTIONS})
    try:
        with translation.override("en"):
            url = reverse("consents:staff_withdraw", args=[consent.pk])
        browser = signed_in(officer)
        body = {"asked_by": "customer", "channel": "branch", "evidence": "F-14", "reason": ""}
        response, elapsed = _timed(30, lambda: browser.post(url, body))
    finally:
        point_celery_at(*previous)
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.WITHDRAWN
    assert response is not None and elapsed < 10, f"no answer after {elapsed:.1f} s"
    # The notice to the partner waits in the outbox for the sweep.
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists()
