"""A widening sent too early is refused with the earliest moment it may take: named in the reader's
language with its UTC offset, never earlier than the rule allows (so sending the named moment back is
accepted), and given beside the message as `earliest_effective_at` for a client to resend."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from tests.consents.factories import make_purpose

pytestmark = pytest.mark.django_db

URL = "/api/v1/purposes/analytics/"
REFUSAL = (
    "Customers must be told %(days)s days before this change takes effect. Choose %(earliest)s or later."
)


@pytest.fixture
def frozen_now(monkeypatch) -> datetime:
    """A clock stopped 30.5 seconds into a minute, where cutting the earliest moment down shows."""
    now = timezone.now().replace(second=30, microsecond=500_000) + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: now)
    return now


@pytest.fixture
def analytics():
    return make_purpose("analytics", category="analytics")


def _widen(client, effective_at: str, **headers):
    return client.patch(URL, {"sensitive": True, "effective_at": effective_at}, format="json", **headers)


def test_the_earliest_moment_named_is_rounded_up_and_accepted_when_sent_back(as_user, dpo, analytics,
                                                                              frozen_now):
    client = as_user(dpo)
    refused = _widen(client, (frozen_now + timedelta(days=3)).isoformat())

    assert refused.status_code == 400
    body = refused.json()
    earliest = parse_datetime(body["earliest_effective_at"])
    cut_down = (frozen_now + timedelta(days=30)).replace(second=0, microsecond=0)
    assert earliest == cut_down + timedelta(minutes=1)
    assert body["earliest_effective_at"].endswith("+07:00")
    assert isinstance(body["effective_at"], list) and len(body["effective_at"]) == 1

    assert _widen(client, body["earliest_effective_at"]).status_code == 200


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_message_names_the_moment_in_the_readers_language_with_its_offset(as_user, dpo, analytics,
                                                                             frozen_now, language):
    refused = _widen(as_user(dpo), (frozen_now + timedelta(days=3)).isoformat(),
                     HTTP_ACCEPT_LANGUAGE=language)

    message = refused.json()["effective_at"][0]
    earliest = timezone.localtime(parse_datetime(refused.json()["earliest_effective_at"]))
    named = f"{earliest:%d/%m/%Y %H:%M} (UTC+07:00)"
    with translation.override(language):
        expected = translation.gettext(REFUSAL) % {"days": 30, "earliest": named}
    assert message == expected
