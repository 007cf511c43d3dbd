"""A read claim retried with its `Idempotency-Key` after a lost answer is checked again before its
stored 201 is replayed: if the authorisation has ended or been paused since (a suspension of its third
party pauses it), the retry answers 409 with that refusal's code, so the gateway does not serve a read
the customer has stopped. The read the claim itself used up (a one-time authorisation's, today's last)
still replays."""

from __future__ import annotations

import pytest

from authorisations import services
from core.actors import actor_for_user
from tests.authorisations.factories import DPO, authorise, register
from tests.factories import make_customer

pytestmark = pytest.mark.django_db
ACCOUNTS = {"scope": "accounts:read", "record_count": 3}


def _claim(gateway, authorisation, key: str):
    url = f"/api/v1/authorisations/{authorisation.pk}/reads/"
    return gateway.post(url, ACCOUNTS, format="json", HTTP_IDEMPOTENCY_KEY=key)


def _revoke(authorisation):
    services.authorisation_revoke(
        actor=actor_for_user(authorisation.user), authorisation_id=authorisation.pk,
        channel="internet_banking", subject=authorisation.subject,
    )


def _pause(authorisation):
    services.authorisation_pause(
        actor=actor_for_user(authorisation.user), authorisation_id=authorisation.pk,
        subject=authorisation.subject,
    )


def _suspend(authorisation):
    services.third_party_suspend(actor=DPO, third_party_id=authorisation.third_party_id, reason="audit")


@pytest.mark.parametrize(
    ("stop", "code"),
    [(_revoke, "authorisation_ended"), (_pause, "authorisation_paused"), (_suspend, "authorisation_paused")],
)
def test_a_claim_replayed_after_the_authorisation_stopped_answers_409_with_the_refusal(gateway, stop, code):
    authorisation = authorise(make_customer(), registration=register())
    assert _claim(gateway, authorisation, "read-1").status_code == 201
    stop(authorisation)

    replay = _claim(gateway, authorisation, "read-1")

    assert replay.status_code == 409, replay.content
    assert replay.json()["code"] == code


def test_a_claim_replayed_while_the_authorisation_still_allows_reads_replays_its_201(gateway):
    authorisation = authorise(make_customer(), registration=register())
    first = _claim(gateway, authorisation, "read-1")

    replay = _claim(gateway, authorisation, "read-1")

    assert (replay.status_code, replay["Idempotent-Replayed"]) == (201, "true")
    assert replay.json() == first.json()


def test_the_one_time_read_a_claim_used_up_still_replays_its_201(gateway):
    authorisation = authorise(make_customer(), registration=register(fetch_type="one_time"))
    first = _claim(gateway, authorisation, "read-1")
    authorisation.refresh_from_db()
    assert authorisation.status == "used"

    replay = _claim(gateway, authorisation, "read-1")

    assert (replay.status_code, replay.json()) == (201, first.json())


def test_a_one_time_read_replayed_after_its_third_party_was_suspended_answers_409(gateway):
    """The claim used the one-time read, which left the authorisation `used`: the replay must not stop
    at that (its own) refusal and miss the suspension that came after it."""
    authorisation = authorise(make_customer(), registration=register(fetch_type="one_time"))
    assert _claim(gateway, authorisation, "read-1").status_code == 201
    _suspend(authorisation)

    replay = _claim(gateway, authorisation, "read-1")

    assert replay.status_code == 409, replay.content
    assert replay.json()["code"] == "third_party_suspended"
