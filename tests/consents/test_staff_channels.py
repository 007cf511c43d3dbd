"""Staff record only the channels a person at the bank witnesses: a branch, the call centre, a paper form.

A branch officer did not watch the customer tap the app: a consent, a refusal or a withdrawal staff
record "through" internet banking, the mobile app or the API would be false proof of its channel (domain
notes, "Consent rules"). Customers and integration clients keep their own channels; an imported file's
rows keep the channel of the record they transcribe.
"""

from __future__ import annotations

import re

import pytest

from consents import services
from consents.models import Consent, ConsentEvent, ConsentStatus
from core.actors import Actor, actor_for_user
from core.errors import InvalidInput
from tests.consents.factories import IMPORTED_ON, STAFF, SYSTEM, grant, make_purpose
from tests.factories import make_subject, signed_in
from tests.pages import hidden_fields

pytestmark = pytest.mark.django_db

CUSTOMER_CHANNELS = ["internet_banking", "mobile_app", "api"]
WITNESSED = ["branch", "call_centre", "paper_form"]
REFUSED = "Staff record only what a person at the bank witnessed"


def _body(subject, channel, **extra):
    return {
        "subject": subject.external_ref,
        "purpose": "marketing",
        "notice_version": "v1",
        "channel": channel,
        "evidence": "FORM-0001",
        **extra,
    }


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    # The blank first choice is no channel: the agent must pick one (`consents.forms`).
    return [value for value in re.findall(r'<option value="([^"]*)"', select.group(1)) if value]


@pytest.mark.parametrize("channel", CUSTOMER_CHANNELS)
@pytest.mark.parametrize("outcome", ["granted", "refused"])
def test_a_staff_token_records_no_answer_through_a_customer_channel(as_user, officer, channel, outcome):
    make_purpose("marketing", category="marketing")
    subject = make_subject()
    response = as_user(officer).post(
        "/api/v1/consents/",
        _body(subject, channel, outcome=outcome),
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400, response.json()
    assert REFUSED in response.json()["channel"][0]
    assert not Consent.objects.filter(subject=subject).exists()


@pytest.mark.parametrize("channel", WITNESSED)
def test_a_staff_token_records_an_answer_given_in_front_of_the_bank(as_user, officer, channel):
    make_purpose("marketing", category="marketing")
    subject = make_subject()
    response = as_user(officer).post("/api/v1/consents/", _body(subject, channel), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["channel"] == channel


def test_an_integration_client_keeps_recording_its_own_channel(as_user, client_user):
    make_purpose("marketing", category="marketing")
    subject = make_subject()
    api = as_user(client_user, scopes=["consents:read", "consents:write"])
    response = api.post("/api/v1/consents/", _body(subject, "mobile_app"), format="json")
    assert response.status_code == 201, response.json()
    consent_id = response.json()["id"]
    withdrawn = api.post(f"/api/v1/consents/{consent_id}/withdraw/", {"channel": "mobile_app"}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawal_channel"] == "mobile_app"


@pytest.mark.parametrize("channel", CUSTOMER_CHANNELS)
def test_a_staff_token_withdraws_through_no_customer_channel(as_user, officer, channel):
    consent = grant(make_subject(), make_purpose("marketing"))
    api = as_user(officer)
    response = api.post(
        f"/api/v1/consents/{consent.pk}/withdraw/",
        {"channel": channel},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400 and REFUSED in response.json()["channel"][0]
    several = api.post(
        "/api/v1/consents/withdraw/",
        {"subject": consent.subject.external_ref, "purposes": ["marketing"], "channel": channel},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert several.status_code == 400 and REFUSED in several.json()["channel"][0]
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.GRANTED


def test_the_services_refuse_staff_a_customer_channel_and_let_the_system_and_customers_through():
    purpose = make_purpose("marketing")
    subject = make_subject()
    with pytest.raises(InvalidInput) as refused:
        grant(subject, purpose, actor=STAFF, channel="internet_banking")
    assert refused.value.field == "channel"
    customer = Actor(kind="customer", user_id=None, label="customer#1")
    consent = grant(subject, purpose, actor=customer, channel="internet_banking")
    with pytest.raises(InvalidInput):
        services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="mobile_app")
    withdrawn = services.consent_withdraw(actor=SYSTEM, consent_id=consent.pk, channel="mobile_app")
    assert withdrawn.withdrawal_channel == "mobile_app"


def test_the_staff_consent_form_offers_and_takes_only_the_witnessed_channels(officer):
    make_purpose("marketing", category="marketing")
    subject = make_subject()
    client = signed_in(officer)
    url = f"/en/portal/customers/{subject.pk}/consents/new/"
    page = client.get(url)
    assert _options(page.content.decode(), "channel") == WITNESSED
    form = {
        **hidden_fields(page.content),
        "answer_marketing": "yes",
        "answered_by": "customer", "notice_given": "read_out", "channel": "mobile_app",
        "evidence": "FORM-0001",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    assert not Consent.objects.filter(subject=subject).exists()
    assert not ConsentEvent.objects.filter(subject_id=subject.pk).exists()


def test_the_staff_withdrawal_page_offers_and_takes_only_the_witnessed_channels(officer):
    consent = grant(make_subject(), make_purpose("marketing"))
    client = signed_in(officer)
    url = f"/en/portal/consents/{consent.pk}/withdraw/"
    page = client.get(url)
    assert _options(page.content.decode(), "channel") == WITNESSED
    client.post(url, {**hidden_fields(page.content), "channel": "internet_banking"})
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.GRANTED


def test_an_import_run_by_staff_keeps_the_channel_its_rows_transcribe(dpo):
    """A file moves records off a legacy system: each row names the channel the customer used then and
    the reference of that record; the importer witnessed nothing and claims nothing."""
    make_purpose("marketing", category="marketing")
    subject = make_subject()
    header = "subject,purpose,notice_version,channel,evidence,granted_at,outcome\n"
    run = services.consents_import_csv(
        actor=actor_for_user(dpo),
        lines=[header,
               f"{subject.external_ref},marketing,v1,mobile_app,APP-LOG-0001,{IMPORTED_ON},granted\n"],
        filename="legacy-app.csv",
    )
    assert (run.imported, run.refused) == (1, 0), run.errors
    assert Consent.objects.get(subject=subject).channel == "mobile_app"


@pytest.mark.parametrize("channel", ["branch", "call_centre", "paper_form"])
def test_a_customer_claims_no_channel_only_a_person_at_the_bank_witnesses(channel):
    """The other half of the rule: a customer's own login cannot record that someone at the bank saw it."""
    purpose = make_purpose("marketing")
    subject = make_subject()
    customer = Actor(kind="customer", user_id=None, label="customer#1")
    with pytest.raises(InvalidInput) as refused:
        grant(subject, purpose, actor=customer, channel=channel, evidence="form-1")
    consent = grant(subject, purpose, actor=customer, channel="mobile_app")
    with pytest.raises(InvalidInput) as withdrawal_refused:
        services.consent_withdraw(actor=customer, consent_id=consent.pk, channel=channel)

    assert refused.value.field == withdrawal_refused.value.field == "channel"
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.GRANTED
