"""The proof of a consent given through the customer's own channels (the app, internet banking, an API
client acting for the customer): no person at the bank saw it, so the session it was given in (or an
evidence reference) is the proof, on a grant and on a refusal alike, whatever the path."""

from __future__ import annotations

import pytest

from consents import services
from consents.models import SELF_SERVICE_CHANNELS, Consent, ConsentEvent
from consents.services.imports import consents_import_csv
from core.errors import InvalidInput
from tests.consents.factories import APP, IMPORTED_ON, SYSTEM, grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("channel", SELF_SERVICE_CHANNELS)
def test_a_self_service_grant_with_no_session_and_no_evidence_is_refused(channel):
    subject, purpose = make_subject(), make_purpose(category="marketing")

    with pytest.raises(InvalidInput) as refused:
        grant(subject, purpose, channel=channel, evidence="  ", session_ref="", device="iPhone 15")

    assert refused.value.field == "session"
    assert not Consent.objects.exists() and not ConsentEvent.objects.exists()


@pytest.mark.parametrize("channel", SELF_SERVICE_CHANNELS)
def test_a_self_service_refusal_with_no_session_and_no_evidence_is_refused(channel):
    subject, purpose = make_subject(), make_purpose(category="marketing")
    request = services.GrantRequest(
        subject=subject, purpose=purpose, notice_version="v1", channel=channel, evidence=""
    )

    with pytest.raises(InvalidInput) as refused:
        services.consent_refuse(actor=APP, request=request)

    assert refused.value.field == "session"
    assert not Consent.objects.exists()


def test_the_session_alone_or_the_evidence_alone_proves_a_self_service_answer():
    purpose = make_purpose(category="marketing")

    by_session = grant(make_subject(), purpose, channel="mobile_app", evidence="", session_ref="sess-1")
    by_evidence = grant(make_subject(), purpose, channel="internet_banking", evidence="ib-log-7")

    assert (by_session.session_ref, by_evidence.evidence) == ("sess-1", "ib-log-7")


def test_the_api_refuses_a_self_service_consent_without_its_proof(as_user, client_user):
    make_purpose("marketing", category="marketing")
    subject = make_subject()
    api = as_user(client_user, scopes=["consents:read", "consents:write"])
    body = {"subject": subject.external_ref, "purpose": "marketing", "notice_version": "v1", "channel": "api"}

    for outcome in ("granted", "refused"):
        refused = api.post("/api/v1/consents/", {**body, "outcome": outcome}, format="json")
        assert refused.status_code == 400 and "session" in refused.json(), refused.json()
    assert not Consent.objects.exists()
    proven = {**body, "session": "app-sess-42", "device": "Pixel 9"}
    given = api.post("/api/v1/consents/", proven, format="json")
    assert given.status_code == 201, given.json()
    assert Consent.objects.get().session_ref == "app-sess-42"


def test_an_imported_app_consent_is_proven_by_the_evidence_every_row_carries():
    """The import is not exempt: a file has no session column, and its own rule (evidence on every row)
    is what proves an app consent it transcribes."""
    make_purpose("marketing", category="marketing")
    customer = make_subject()
    header = "subject,purpose,notice_version,channel,evidence,granted_at,guardian,sensitive_acknowledged\n"

    run = consents_import_csv(actor=SYSTEM, filename="app.csv", lines=[
        header, f"{customer.external_ref},marketing,v1,mobile_app,app-log-1,{IMPORTED_ON},,\n",
    ])

    assert (run.imported, run.refused) == (1, 0)
    assert Consent.objects.get(subject=customer).evidence == "app-log-1"
