"""Each consent answer links the receipt of the event it reports (`?event=`): the contract's receipt is
frozen at the event, so a link stored from a grant answer keeps giving the grant's bytes after a
withdrawal. The plain path still gives the latest event's receipt."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from consents.models import ConsentEvent
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _event_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["event"][0]


def _grant(api, subject) -> dict:
    body = {"subject": subject.external_ref, "purpose": "marketing", "notice_version": "v1",
            "channel": "mobile_app"}
    return api.post("/api/v1/consents/", body, format="json").json()


def test_grant_and_withdrawal_answers_link_their_own_events_receipt(as_user, client_user, catalogue):
    api = as_user(client_user)
    subject = make_subject()
    granted = _grant(api, subject)
    grant_event = ConsentEvent.objects.get(consent_id=granted["id"], kind="granted")
    assert _event_of(granted["receipt"]) == str(grant_event.pk)
    grant_receipt = api.get(granted["receipt"]).content

    withdrawn = api.post(
        f"/api/v1/consents/{granted['id']}/withdraw/", {"channel": "mobile_app", "reason": "x"}, format="json"
    ).json()
    withdrawal_event = ConsentEvent.objects.get(consent_id=granted["id"], kind="withdrawn")
    assert _event_of(withdrawn["receipt"]) == str(withdrawal_event.pk)

    assert api.get(granted["receipt"]).content == grant_receipt
    plain = api.get(f"/api/v1/consents/{granted['id']}/receipt/").content
    assert plain == api.get(withdrawn["receipt"]).content != grant_receipt


def test_listed_and_shown_consents_link_their_latest_events_receipt(as_user, client_user, catalogue):
    api = as_user(client_user)
    subject = make_subject()
    granted = _grant(api, subject)
    api.post(f"/api/v1/consents/{granted['id']}/withdraw/", {"channel": "mobile_app"}, format="json")
    withdrawal_event = ConsentEvent.objects.get(consent_id=granted["id"], kind="withdrawn")

    listed = api.get("/api/v1/consents/", {"subject": subject.external_ref}).json()["results"]
    shown = api.get(f"/api/v1/consents/{granted['id']}/").json()
    assert [_event_of(c["receipt"]) for c in listed] == [str(withdrawal_event.pk)]
    assert _event_of(shown["receipt"]) == str(withdrawal_event.pk)
