"""A customer's API token is held to its scopes like staff's and clients' tokens: a token that may only
read cannot withdraw a consent, file or cancel a request. A customer's browser session has no token
and keeps the customer's reach; a `*` token keeps the whole role."""
from __future__ import annotations

import pytest

from consents.models import ConsentStatus
from dsr.models import DataSubjectRequest
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import make_request

pytestmark = pytest.mark.django_db

COMPLAINT = {"type": "complaint", "description": "x" * 20, "channel": "api"}


def _subject(customer):
    return customer.customer_account.subject


def test_a_read_only_customer_token_cannot_file_a_request(as_user, customer_a):
    reader = as_user(customer_a, scopes=["requests:read"])
    before = DataSubjectRequest.objects.count()
    refused = reader.post("/api/v1/requests/", COMPLAINT, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert (refused.status_code, refused.json()) == (
        403, {"detail": "This API token lacks the “requests:write” scope.", "code": "permission_denied"}
    )
    assert DataSubjectRequest.objects.count() == before
    assert reader.get("/api/v1/requests/").status_code == 200


def test_a_read_only_customer_token_cannot_withdraw_a_consent(as_user, customer_a):
    consent = grant(_subject(customer_a), make_purpose())
    reader = as_user(customer_a, scopes=["consents:read"])
    refused = reader.post(f"/api/v1/consents/{consent.pk}/withdraw/", {"channel": "api"}, format="json")
    assert refused.status_code == 403
    assert "consents:write" in refused.json()["detail"]
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.GRANTED
    assert reader.get(f"/api/v1/consents/{consent.pk}/").status_code == 200


def test_a_token_for_another_area_cannot_cancel_the_customers_request(as_user, customer_a):
    request = make_request(_subject(customer_a), type="complaint", channel="internet_banking")
    narrow = as_user(customer_a, scopes=["authorisations:read"])
    refused = narrow.post(f"/api/v1/requests/{request.pk}/cancel/")
    assert refused.status_code == 403
    assert "requests:write" in refused.json()["detail"]
    request.refresh_from_db()
    assert request.status != "cancelled"


def test_a_customer_token_with_the_writing_scope_files_and_cancels(as_user, customer_a):
    """Cancelling one's own request is a write on one's requests (`requests:write`), not staff work."""
    writer = as_user(customer_a, scopes=["requests:read", "requests:write"])
    filed = writer.post("/api/v1/requests/", COMPLAINT, format="json")
    assert filed.status_code == 201
    cancelled = writer.post(f"/api/v1/requests/{filed.json()['id']}/cancel/")
    assert cancelled.json()["status"] == "cancelled"


def test_a_whole_role_token_and_a_browser_session_keep_the_customers_reach(as_user, api, customer_a):
    consent = grant(_subject(customer_a), make_purpose())
    whole = as_user(customer_a)
    assert whole.post("/api/v1/requests/", COMPLAINT, format="json").status_code == 201
    api.force_login(customer_a)
    withdrawn = api.post(f"/api/v1/consents/{consent.pk}/withdraw/", {"channel": "api"}, format="json")
    assert withdrawn.json()["status"] == "withdrawn"
