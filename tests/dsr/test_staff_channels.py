"""Staff take in a request only through a channel a person at the bank witnesses (branch, call centre,
paper form), and name it: a staff token is never defaulted to the API. Customers and integration clients
keep their channels; a withdrawal a customer asked for in the app is put in force through the app's
channel whoever verifies it."""

from __future__ import annotations

import re

import pytest

from consents.models import ConsentStatus
from core.actors import Actor, actor_for_user
from core.errors import InvalidInput
from dsr import services
from dsr.models import DataSubjectRequest, IdentityMethod
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import BRANCH_VISIT
from tests.factories import make_subject, signed_in
from tests.pages import hidden_fields

pytestmark = pytest.mark.django_db
URL = "/en/portal/requests/new/"
REFUSED = "Staff record only what a person at the bank witnessed"


@pytest.mark.parametrize("channel", ["internet_banking", "mobile_app", "api"])
def test_a_staff_token_takes_in_no_request_through_a_customer_channel(as_user, officer, subject, channel):
    response = as_user(officer).post(
        "/api/v1/requests/",
        {"subject": subject.external_ref, "type": "access", "channel": channel},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400, response.json()
    assert REFUSED in response.json()["channel"][0]
    assert not DataSubjectRequest.objects.exists()


def test_a_staff_token_names_the_channel_instead_of_being_defaulted_to_the_api(as_user, officer, subject):
    response = as_user(officer).post(
        "/api/v1/requests/",
        {"subject": subject.external_ref, "type": "access"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400, response.json()
    assert REFUSED in response.json()["channel"][0]
    assert not DataSubjectRequest.objects.exists()


def test_clients_and_customers_keep_their_channels(as_user, client_user, customer_a, subject):
    client = as_user(client_user, scopes=["requests:write", "requests:read"])
    defaulted = client.post(
        "/api/v1/requests/", {"subject": subject.external_ref, "type": "access"}, format="json"
    )
    assert defaulted.status_code == 201, defaulted.json()
    assert DataSubjectRequest.objects.get(pk=defaulted.json()["id"]).channel == "api"
    own = as_user(customer_a).post(
        "/api/v1/requests/", {"type": "access", "channel": "mobile_app"}, format="json"
    )
    assert own.status_code == 201, own.json()
    assert DataSubjectRequest.objects.get(pk=own.json()["id"]).channel == "mobile_app"


def test_the_intake_page_offers_and_takes_only_the_witnessed_channels(officer):
    subject = make_subject()
    client = signed_in(officer)
    page = client.get(URL)
    select = re.search(r'<select name="channel"[^>]*>(.*?)</select>', page.content.decode(), re.S)
    offered = re.findall(r'<option value="([^"]*)"', select.group(1))
    assert offered == ["", "branch", "call_centre", "paper_form"]  # the blank first: nothing pre-chosen
    client.post(
        URL,
        {
            **hidden_fields(page.content),
            "subject_ref": subject.external_ref,
            "type": "access",
            "channel": "internet_banking",
        },
    )
    assert not DataSubjectRequest.objects.filter(subject=subject).exists()


def test_a_withdrawal_asked_for_in_the_app_is_put_in_force_through_the_app_by_staff(customer_a, officer):
    subject = customer_a.customer_account.subject
    consent = grant(
        subject, make_purpose("marketing"), actor=actor_for_user(customer_a), channel="mobile_app"
    )
    request = services.request_create(
        actor=actor_for_user(customer_a),
        subject=subject,
        type="withdraw",
        channel="mobile_app",
        purposes=["marketing"],
    )
    services.request_verify_identity(
        actor=actor_for_user(officer),
        request_id=request.pk,
        method=IdentityMethod.BRANCH_DOCUMENTS,
        document_number=subject.national_id,
        **BRANCH_VISIT,  # filed in the app, the customer then came to the branch with the document
    )
    consent.refresh_from_db()
    assert (consent.status, consent.withdrawal_channel) == (ConsentStatus.WITHDRAWN, "mobile_app")


def test_the_intake_service_refuses_staff_a_customer_channel():
    staff = Actor(kind="staff", user_id=None, label="officer_t")
    with pytest.raises(InvalidInput) as refused:
        services.request_create(actor=staff, subject=make_subject(), type="access", channel="mobile_app")
    assert refused.value.field == "channel"
