"""A consent voided as recorded in error shows in the proof bundle as it happened: its grant, then the
correction with the recipients told to stop after it; and a record voided is no earlier consent that
makes the customer's next grant a renewal."""

from __future__ import annotations

import pytest

from consents import services
from core.actors import actor_for_user
from regulator.proof_bundle import proof_bundle
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.factories import UserFactory
from tests.regulator.proof_history import at, build_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def voider():
    return actor_for_user(UserFactory(username="dpo_void", role="dpo"))


def _events(history, voider, *consents) -> list[dict]:
    bundle = proof_bundle(history.subject, generated_by=voider, role="dpo", now=at(23, 9))
    ids = {str(c.pk) for c in consents}
    return [e for p in bundle["consents"] for e in p["events"] if e["consent_id"] in ids]


def _void(consent, voider, at_):
    services.consent_void(actor=voider, consent_id=consent.pk, reason="duplicate_entry",
                          note="Entered twice from the same form.", now=at_)


def test_the_void_lists_the_stops_it_sent(voider):
    history = build_history()
    _void(history.second, voider, at(21, 9))
    granted, voided = _events(history, voider, history.second)
    assert (granted["type"], voided["type"]) == ("granted", "voided")
    assert {s["recipient"] for s in voided["recipient_stops"]} == {"Bảo hiểm An Tâm", "Chứng khoán Bình Minh"}
    assert {s["result"] for s in voided["recipient_stops"]} == {"open"}
    assert voided["evidence"] is None  # the proof of collection is the grant's, not the correction's


def test_a_grant_after_a_voided_refusal_is_a_first_consent(voider):
    history = build_history()
    _void(history.refusal, voider, at(21, 9))
    first = grant(history.subject, history.refusal.purpose, channel="branch", evidence="FORM-0100",
                  now=at(22, 9))
    refused, voided, granted = _events(history, voider, history.refusal, first)
    assert [e["type"] for e in (refused, voided, granted)] == ["refused", "voided", "granted"]
    assert granted["reconsent"] is False


def test_an_expiry_lists_the_stops_it_sent(voider):
    """An expiry tells the recipients to stop as a withdrawal does: the bundle shows those stops under
    the expiry, its type saying what ended the consent."""
    history = build_history()
    cards = make_purpose("cobrand", category="sharing", recipients=[make_recipient("Thẻ Đồng Hành")],
                         effective_at=at(1, 9))
    ending = grant(history.subject, cards, now=at(21, 9), expires_at=at(22, 9))
    services.consents_expire_due(now=at(22, 10))
    granted, expired = _events(history, voider, ending)
    assert (granted["type"], expired["type"]) == ("granted", "expired")
    assert [s["recipient"] for s in expired["recipient_stops"]] == ["Thẻ Đồng Hành"]
    assert granted["recipient_stops"] == []
