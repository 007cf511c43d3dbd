"""The proof of a consent given through the customer's own channels (the app, internet banking, an API
client acting for the customer). The contract requires an evidence reference only for the branch, paper
form and call centre, so an integration client may record an app consent without its session: then the
proof is the audit entry of the call, naming the client, the moment and the call's request id. What the
client does give (session, device) is kept with the consent."""

from __future__ import annotations

import pytest

from audit.models import AuditEntry
from consents.models import Consent
from tests.consents.factories import make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def test_the_api_records_an_app_consent_without_a_session_and_audits_who_sent_it(as_user, client_user):
    make_purpose("marketing", category="marketing")
    subject = make_subject()
    api = as_user(client_user, scopes=["consents:read", "consents:write"])
    body = {"subject": subject.external_ref, "purpose": "marketing", "notice_version": "v1",
            "channel": "mobile_app"}

    given = api.post("/api/v1/consents/", body, format="json", HTTP_X_REQUEST_ID="call-7f3a")

    assert given.status_code == 201, given.json()
    consent = Consent.objects.get()
    entry = AuditEntry.objects.get(action="consents.consent.granted", target_id=str(consent.pk))
    assert (entry.actor_user_id, entry.request_id) == (client_user.pk, "call-7f3a")


def test_the_session_and_device_an_app_gives_are_kept_with_the_consent(as_user, client_user):
    make_purpose("marketing", category="marketing")
    subject = make_subject()
    api = as_user(client_user, scopes=["consents:read", "consents:write"])
    body = {"subject": subject.external_ref, "purpose": "marketing", "notice_version": "v1",
            "channel": "mobile_app", "session": "app-sess-42", "device": "Pixel 9"}

    assert api.post("/api/v1/consents/", body, format="json").status_code == 201
    assert (Consent.objects.get().session_ref, Consent.objects.get().device) == ("app-sess-42", "Pixel 9")
